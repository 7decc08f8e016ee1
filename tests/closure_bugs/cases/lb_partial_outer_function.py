"""`functools.partial` of a function defined outside the loop, with the loop value bound."""
# topic: late-binding
import functools


def describe(kind, n):
    return "%s %d" % (kind, n)


def describers(count):
    out = []
    for n in range(count):
        out.append(functools.partial(describe, "item", n))
    return out


def scenario_describe():
    return [d() for d in describers(3)]
