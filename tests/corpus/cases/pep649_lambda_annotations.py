def outer():
    y = int
    w = str

    def f(x: (lambda: y)(), *args: w, **kwargs: [v for v in (y, w)]) -> {k: y for k in "a"}:
        pass

    return f


class C:
    z = int

    def m(self, a: [z for _ in range(1)], b: (lambda: z)()):
        pass

    attr: [z for _ in range(1)]

