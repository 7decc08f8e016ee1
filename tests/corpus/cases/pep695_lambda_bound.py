def outer():
    x = int

    def f[T: (lambda: x)(), U: [x for _ in range(1)][0]](a: T) -> U:
        return lambda: (a, T, U, x)

    class K[V: (lambda: x)()]:
        def m(self):
            return V, x

    type Alias[W: x] = (lambda: (W, x))()
    return f, K, Alias
