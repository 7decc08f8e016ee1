def identity[T](x: T) -> T:
    return x


def bounded[T: int, U: (str, bytes), *Ts, **P](a: T, b: U, *args: *Ts) -> None:
    def inner():
        return a, b, T, U, Ts, P

    return inner


def outer():
    Bound = int

    def f[T: Bound](x: T = 1, *, y=2) -> T:
        return x

    return f
