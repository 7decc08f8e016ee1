"""`itertools.takewhile` with a predicate made in the loop, consumed after it."""
# topic: late-binding
import itertools


def prefixes(data, limits):
    out = []
    for limit in limits:
        out.append(itertools.takewhile(lambda x: x < limit, data))
    return out


def scenario_consume_after_loop():
    return [list(p) for p in prefixes([1, 2, 3, 4, 5], [2, 4, 6])]
