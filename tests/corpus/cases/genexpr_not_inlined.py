def f(data):
    g = (x for x in data)
    h = (lambda: x for x in data)
    k = 1
    m = (x + k for x in data)
    n = ((y for y in data) for x in data)
    return g, h, m, n


class C:
    data = [1]
    gen = (x for x in data)
    gen2 = (d for d in range(2) for e in data)


module_gen = (lambda: v for v in range(3))
