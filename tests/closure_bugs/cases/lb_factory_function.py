"""A factory function gives each closure its own cell (the classic fix)."""
# topic: late-binding


def make_adder(n):
    return lambda x: x + n


def adders(count):
    out = []
    for n in range(count):
        out.append(make_adder(n))
    return out


def scenario_add():
    return [add(100) for add in adders(3)]
