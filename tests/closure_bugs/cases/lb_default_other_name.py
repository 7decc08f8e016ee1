"""A default argument binds `j` per iteration, but the body still reads the shared `i`."""
# topic: late-binding


def makers(count):
    out = []
    for i in range(count):
        out.append(lambda j=i: (i, j))
    return out


def scenario_make():
    return [m() for m in makers(3)]
