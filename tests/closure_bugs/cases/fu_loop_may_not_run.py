"""`last` is bound only by a loop that does not run for an empty list."""
# topic: free-unbound


def make_last(items):
    for last in items:
        pass
    return lambda: last


def scenario_some():
    return make_last([1, 2])()


def scenario_empty():
    return make_last([])()
