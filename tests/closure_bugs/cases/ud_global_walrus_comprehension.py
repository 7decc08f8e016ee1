"""`global best` bound only by a walrus inside a comprehension: still a binding of the function."""
# topic: unused-declaration

best = None


def scan(values):
    global best
    return [best := v for v in values if best is None or v > best]


def scenario_scan():
    return [scan([1, 3, 2]), best]
