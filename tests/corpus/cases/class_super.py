class Base:
    def m(self):
        return 1


class C(Base):
    def m(self):
        return super().m()

    def nested(self):
        def helper():
            return super(C, self).m()

        return helper

    def lam(self):
        return lambda: super().m()

    def direct(self):
        return __class__

    def alias(self):
        s = super
        return s

    def param(self, __class__=None):
        return __class__

    def local(self):
        __class__ = 1
        return __class__

    __class__ = "class-level binding does not interfere"


class D(Base):
    def uses_nonlocal(self):
        def inner():
            nonlocal __class__
            __class__ = int
        return inner

    def deep(self):
        def a():
            def b():
                return super()
            return b
        return a

    class Inner:
        def m(self):
            return __class__
