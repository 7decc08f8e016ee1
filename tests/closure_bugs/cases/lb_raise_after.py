"""The closure leaves the loop in an exception that ends it (`raise`)."""
# topic: late-binding


class Stop(Exception):
    def __init__(self, report):
        self.report = report


def check(values):
    for v in values:
        if v > 10:
            raise Stop(lambda: "too big: %d" % v)


def scenario_check():
    try:
        check([1, 20, 30])
    except Stop as stop:
        return stop.report()
