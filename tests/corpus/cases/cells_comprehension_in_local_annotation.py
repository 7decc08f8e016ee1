def simple(a):
    C = 1
    b: [2 for (b, C) in a] = 3
    return lambda: (b, C)


def attribute(a, o):
    C = 1
    o.x: [2 for (b, C) in a] = 3
    b = 2
    return lambda: (b, C)


def parenthesized(a):
    C = 1
    (b): [2 for (b, C) in a] = 3
    return lambda: (b, C)


class K:
    def method(self, a):
        C = 1
        b: {x: 2 for (b, C) in a for x in [b for b in C]} = 3
        return lambda: (b, C)
