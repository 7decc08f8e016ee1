"""A comprehension with two `for` clauses; the closures see the last pair."""
# topic: late-binding


def pairs():
    return [lambda: (a, b) for a in "xy" for b in (1, 2)]


def scenario_pairs():
    return [p() for p in pairs()]
