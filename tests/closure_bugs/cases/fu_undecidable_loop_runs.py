"""`last` is bound only by a loop; with this data the loop always runs."""
# topic: free-unbound
# undecidable: whether the loop runs (and so whether `last` is bound) depends on the data;
#   every caller here passes a non-empty list.


def make_last(items):
    for last in items:
        pass
    return lambda: last


def scenario_last():
    return [make_last([1, 2])(), make_last("xy")()]
