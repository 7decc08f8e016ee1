"""`functools.partial` binds the argument, but the function still reads `i` from its cell."""
# topic: late-binding
import functools


def labels(count):
    out = []
    for i in range(count):
        def show(prefix):
            return prefix + str(i)
        out.append(functools.partial(show, "#"))
    return out


def scenario_show():
    return [f() for f in labels(3)]
