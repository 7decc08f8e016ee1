"""A generator expression consumed by a `for` in the same iteration."""
# topic: late-binding


def totals(data, factors):
    out = []
    for k in factors:
        total = 0
        for v in (x * k for x in data):
            total += v
        out.append(total)
    return out


def scenario_totals():
    return totals([1, 2, 3], [1, 10])
