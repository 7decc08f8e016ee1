"""A closure made in a loop reads only names the loop does not rebind."""
# topic: late-binding


def scalers(values, factor):
    out = []
    for _ in values:
        out.append(lambda x: x * factor)
    return out


def scenario_scale():
    return [s(2) for s in scalers([1, 2, 3], 10)]
