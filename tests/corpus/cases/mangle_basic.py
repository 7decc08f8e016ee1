class K:
    __class_attr = 1
    __dunder__ = 2

    def method(self):
        __secret = 1
        _single = 2
        __dunder__ = 3

        def inner():
            return __secret, _single, __dunder__, self.__attr

        return inner

    def params(self, __p, *, __kw=None):
        return lambda: (__p, __kw)

    def glob(self):
        global __g
        __g = 1


class _Under:
    def m(self):
        __x = 1
        return lambda: __x


class ___:
    def m(self):
        __y = 1
        return lambda: __y


def outer():
    __outside = 1

    class L:
        def m(self):
            return __outside  # mangled to _L__outside: not outer's name

    return L
