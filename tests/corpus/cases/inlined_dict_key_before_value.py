def keys_first(xs):
    a = b = 0
    d = {{1 for b in xs}: {2 for a in xs} for x in xs if a + b}
    return lambda: (a, b), d


def merged(xs):
    a = b = 0
    d = {{b for b in xs}: [a for a in xs] for x in xs}
    return lambda: (a, b), d


def inner_for(xs, d):
    i = j = 0
    r = [k for k in xs for d[[i for i in xs][0]] in [[j for j in xs]] if i + j]
    return lambda: (i, j), r
