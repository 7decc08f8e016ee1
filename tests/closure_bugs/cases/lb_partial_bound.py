"""`functools.partial` binds the loop value as an argument; the function captures nothing."""
# topic: late-binding
import functools


def labels(count):
    out = []
    for i in range(count):
        def show(prefix, i):
            return prefix + str(i)
        out.append(functools.partial(show, "#", i))
    return out


def scenario_show():
    return [f() for f in labels(3)]
