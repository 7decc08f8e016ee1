def f[T = int, *Ts = *tuple[int], **P = [int, str]]():
    pass


class C[T = str, U: int = bool]:
    pass


type A[T = int] = list[T]


def outer():
    Default = int

    def g[T = Default]():
        return T

    class D[U = Default]:
        pass

    return g, D


class K:
    Dflt = int

    def m[T = Dflt](self):
        pass
