def f(obj, seq):
    obj.attr = 1
    seq[0] = 2
    obj.a.b = 3
    del obj.attr, seq[0]
    other.x = 4
    return lambda: (obj, seq)
