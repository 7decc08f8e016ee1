global at_module  # legal, makes the name GLOBAL_EXPLICIT
at_module = 1


def deletes_free():
    x = 1

    def inner():
        nonlocal x
        del x

    return inner


def lambda_walrus():
    return lambda: (y := 1) + y


def comprehension_in_iterable(data):
    return [x for x in [y for y in data]]


def genexpr_argument(data):
    k = 1
    return sum(x + k for x in data)


def multiline(data):
    k = 2
    return [
        lambda: k
        for _ in data
    ], (
        x
        for x in data
    )
