def f():
    x = 1
    result = [x for _ in range(3)]

    def inner():
        return x

    return result, inner


def g():
    y = 1
    return [[y for _ in range(2)] for _ in range(2)]


def h():
    z = 1

    class C:
        values = [z for _ in range(2)]

    return C


def shadow():
    i = "outer"
    r = [i for i in range(3)]
    return i, r
