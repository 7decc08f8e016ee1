type Simple = int
type Generic[T] = list[T]
type Bounded[T: int, *Ts] = tuple[T, *Ts]
type Recursive = list[Recursive] | int


def outer():
    local = int
    type Captures = list[local]
    type GenericCaptures[T] = dict[T, local]
    return Captures, GenericCaptures


class C:
    type InClass = C
    x = 1
    type SeesClass = x
