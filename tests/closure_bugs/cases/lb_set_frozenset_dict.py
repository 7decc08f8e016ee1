"""`set`, `frozenset` and `dict` consuming generator expressions in the iteration."""
# topic: late-binding


def tables(keys, factors):
    out = []
    for f in factors:
        out.append((
            set(k * f for k in keys),
            frozenset(k + f for k in keys),
            dict((k, k * f) for k in keys),
        ))
    return out


def scenario_tables():
    return tables([1, 2], [3, 5])
