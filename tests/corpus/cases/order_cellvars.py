class C:
    def m(self, zed, alpha, *args, kw, **kwargs):
        b = 1
        a = 2
        _u = 3
        B = 4

        def inner():
            return zed, alpha, args, kw, kwargs, a, b, _u, B, self, super()

        return inner


def f(p2, p1):
    later = 1
    early = 2
    return lambda: (p1, p2, early, later)


def g():
    z = 1
    fns = [lambda: (y, x, z) for x in range(2) for y in range(2)]
    return fns


def h(r):
    a = 1
    zz = 2
    return [lambda: (zz, m, k, a, r) for m in r for k in r]
