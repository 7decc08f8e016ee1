class K[__T](__Base):
    def m(self, x: __T) -> __T:
        __local = x
        return lambda: (__local, __T)


class __Base:
    pass


class Outer:
    def f[__U](self, y: __U):
        return __U

    type __Alias[__V] = list[__V]

    class Inner[__W]:
        pass
