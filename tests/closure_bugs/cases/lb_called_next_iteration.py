"""The closure of one iteration is called during the next: it already sees the new value."""
# topic: late-binding


def previous_values(values):
    seen = []
    prev = None
    for v in values:
        if prev is not None:
            seen.append(prev())
        prev = lambda: v
    return seen


def scenario_previous():
    return previous_values([1, 2, 3])
