"""`global total` is there: the module counter works."""
# topic: unbound-local

total = 0


def add(x):
    global total
    total += x
    return total


def scenario_add():
    return [add(1), add(2)]
