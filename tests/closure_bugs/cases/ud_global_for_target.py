"""`global last` bound as a `for` target: needed."""
# topic: unused-declaration

last = None


def consume(items):
    global last
    for last in items:
        pass
    return last


def scenario_consume():
    return [consume([1, 2]), last]
