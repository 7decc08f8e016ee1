x: int


def f():
    y: int

    def g():
        return y  # y is local to f although f never assigns it

    return g


def h():
    z: "forward" = 1
    w.attr: int = 2
    u[0]: int = 3
    (p): int = 4
    return lambda: (z, w, u, p)


class C:
    a: int
    b: int = 1

    def m(self):
        return a, b
