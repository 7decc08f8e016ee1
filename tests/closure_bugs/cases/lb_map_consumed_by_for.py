"""A lazy `map` consumed by a `for` within the iteration (lazy, but it does not outlive it)."""
# topic: late-binding


def shifted(data, offsets):
    out = []
    for off in offsets:
        for y in map(lambda x: x + off, data):
            out.append(y)
    return out


def scenario_shift():
    return shifted([1, 2], [0, 10])
