"""A nested function reads `total` and assigns it later: `total` is local to the whole function."""
# topic: unbound-local


def make_report(items):
    total = len(items)

    def report():
        line = "total: %d" % total
        total = 0
        return line

    return report


def scenario_report():
    return make_report([1, 2])()
