class K:
    import __future_mod
    import __pkg.sub
    import __pkg.sub as __alias
    from __pkg import __name, __other as __o
    from . import __rel

    def m(self):
        import __inner.mod
        import __inner2
        return lambda: (__inner, __inner2)
