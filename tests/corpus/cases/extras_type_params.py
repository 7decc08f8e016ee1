# Comments and backslash continuations inside type parameter lists (3.12+).
def f():
    class C[  # c
        T: (lambda: 1)(),  # c
        # c
        *Ts,  # c
        **P  # c
    ]:
        def m(self) -> T:
            return lambda: T
    type A[  # c
        U  # c
    ] = \
        list[U]
    def g[  # c
        V
    ](x: V) -> V:
        return lambda: x
    return C, A, g
