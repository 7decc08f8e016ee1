def outer():
    k = 1

    def f(cb=lambda: k, *, kw=lambda x: x + k):
        return cb, kw

    g = lambda a, b=lambda: k: b
    return f, g


class C:
    k = 1

    def m(self, cb=lambda: k):  # lambda in a method default: evaluated in the class body
        return cb
