"""Closures called in the iteration that made them (immediately, or through a local name)."""
# topic: late-binding


def doubled(values):
    out = []
    for v in values:
        out.append((lambda: v * 2)())
        square = lambda: v * v
        out.append(square())
    return out


def scenario_doubled():
    return doubled([1, 2, 3])
