"""`nonlocal total` in a function that only reads `total`: the declaration does nothing."""
# topic: unused-declaration


def make():
    total = 10

    def show():
        nonlocal total
        return "total %d" % total

    return show


def scenario_show():
    return make()()
