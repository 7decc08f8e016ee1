"""A set comprehension of closures: all of them end up seeing the last `n`."""
# topic: late-binding


def powers(limit):
    return {lambda x: x**n for n in range(limit)}


def scenario_powers():
    return sorted(p(2) for p in powers(3))
