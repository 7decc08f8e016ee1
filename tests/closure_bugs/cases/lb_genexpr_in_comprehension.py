"""Generator expressions made by a list comprehension, consumed after it."""
# topic: late-binding


def ranges(limits):
    return [set(g) for g in [(i * n for i in range(2)) for n in limits]]


def scenario_ranges():
    return ranges([1, 10])
