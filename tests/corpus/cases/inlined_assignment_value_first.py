def assign(i, C):
    b = self = 1
    d = {}
    d[[1 for b in i][0]] = [2 for self in C]
    return lambda: (b, self)


def loop(i, C):
    b = self = 1
    d = {}
    for d[[1 for b in i][0]] in [2 for self in C]:
        pass
    return lambda: (b, self)


def chained(i, C):
    b = self = x = 1
    d = {}
    d[[1 for b in i][0]] = d[[3 for x in i][0]] = [2 for self in C]
    return lambda: (b, self, x)
