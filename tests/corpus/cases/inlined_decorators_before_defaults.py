def f(C, i):
    b = self = 1

    @{g: 7 for b in C}
    def g(x=[1 for self in i]):
        return x

    return lambda: (b, self)


def h(C, i):
    b = self = 1

    @[1 for self in C]
    def g(x, *, y=[2 for b in i]):
        return x

    return lambda: (b, self)
