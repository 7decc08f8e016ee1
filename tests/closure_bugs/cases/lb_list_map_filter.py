"""`list(map(...))` and `tuple(filter(...))`: the lazy iterator is consumed in the iteration."""
# topic: late-binding


def shifted(data, offsets):
    out = []
    for off in offsets:
        out.append(list(map(lambda x: x + off, data)))
        out.append(tuple(filter(lambda x: x > off, data)))
    return out


def scenario_shift():
    return shifted([1, 2, 3], [0, 2])
