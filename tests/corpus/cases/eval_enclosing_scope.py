def outer():
    deco = lambda f: f
    default = 1
    kwdefault = 2
    base = object
    meta = type
    data = [1]
    key = "k"

    @deco
    def f(a=default, *, b=kwdefault):
        pass

    class C(base, metaclass=meta, extra=key):
        k = 1

        def m(self, v=k):  # method defaults see class variables
            pass

        @staticmethod
        def s():
            pass

    g = [x for x in data]
    h = (x for x in data)
    i = [x for x in data for y in data]
    j = lambda p=default: p
    return f, C, g, h, i, j
