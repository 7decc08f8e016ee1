"""`functools.reduce` with a lambda made in the loop."""
# topic: late-binding
import functools


def weighted(data, weights):
    out = []
    for w in weights:
        out.append(functools.reduce(lambda acc, x: acc + x * w, data, 0))
    return out


def scenario_reduce():
    return weighted([1, 2, 3], [1, 10])
