class Box[T]:
    type Alias = list[T]

    class Inner:
        def get(self) -> T:  # T of Box, through the class body
            return lambda: T

    def map[U](self, f: "Callable[[T], U]", default: T | None = None) -> "Box[U]":
        def apply(x: T) -> U:
            return f(x)

        return apply

    items = [T for _ in range(1)]


def outer[A, B: int](a: A) -> B:
    class Local[C](list[A]):
        def m(self, c: C, b: B) -> A:
            return (lambda: (a, c, b))()

    return Local
