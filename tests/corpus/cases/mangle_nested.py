class __Base:
    pass


class Outer:
    __shared = 1

    class Inner(__Base):  # the base is evaluated in Outer's body: _Outer__Base
        __own = 2

        def m(self):
            __v = 1
            return lambda: (__v, __own)

    def f(self, __arg=__shared):
        class Local:
            def g(self):
                return __arg  # mangled with Local: _Local__arg, a global

        return Local
