"""`global total` with `total += ...`: needed."""
# topic: unused-declaration

total = 0


def add(v):
    global total
    total += v
    return total


def scenario_add():
    return [add(1), add(2)]
