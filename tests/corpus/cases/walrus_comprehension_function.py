def f(data):
    if any((hit := x) > 1 for x in data):
        pass
    total = [last := x for x in data]
    nested = [[(deep := y) for y in row] for row in data]
    return hit, total, last, nested, deep


def g(data):
    [(found := x) for x in data]

    def inner():
        return found

    return inner
