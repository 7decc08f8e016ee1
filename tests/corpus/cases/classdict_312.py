class C:
    type Alias = list[C]

    def generic[T](self, x: T) -> T:
        return x

    attr: int = 0


def outer():
    local = 1

    class D:
        type A = local

        def m[U: local](self):
            pass

    return D
