def outer():
    X = int

    def inner():
        y: X = 1  # never evaluated, but <= 3.13 records X as a use: a closure
        z: X
        return y

    return inner


def outer2():
    Y = str

    class C:
        attr: Y  # class annotations are evaluated

    return C
