"""A nested function reads `item`, then uses it as a `for` target."""
# topic: unbound-local


def make_scan(items):
    item = items[0]

    def scan():
        first = item
        for item in items:
            pass
        return first

    return scan


def scenario_scan():
    return make_scan(["a", "b"])()
