class Base[T]:
    pass


class K[T, *Ts, **P](Base[T]):
    attr: T

    def method(self, x: T) -> T:
        return x

    def uses(self):
        return T, Ts, P


def outer():
    Bound = int

    class L[S: Bound](Base[S], metaclass=type):
        def m(self):
            return super().m()

    return L
