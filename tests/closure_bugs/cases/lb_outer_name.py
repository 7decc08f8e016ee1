"""A closure kept in a name assigned once, on the first iteration, and called after the loop."""
# topic: late-binding


def first_reporter(items):
    first = None
    for item in items:
        if first is None:
            first = lambda: "first was " + item
    return first


def scenario_report():
    return first_reporter(["a", "b", "c"])()
