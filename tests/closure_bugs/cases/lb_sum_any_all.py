"""Generator expressions consumed at once by `sum`, `any` and `all`."""
# topic: late-binding


def stats(data, limits):
    out = []
    for limit in limits:
        out.append((
            sum(x for x in data if x < limit),
            any(x > limit for x in data),
            all(x != limit for x in data),
        ))
    return out


def scenario_stats():
    return stats([1, 2, 3], [2, 3])
