"""A `while` loop: the counter is rebound after the closure is made, even on the last pass."""
# topic: late-binding


def make_ticks(limit):
    ticks = []
    n = 0
    while n < limit:
        ticks.append(lambda: n)
        n += 1
    return ticks


def scenario_ticks():
    return [tick() for tick in make_ticks(3)]
