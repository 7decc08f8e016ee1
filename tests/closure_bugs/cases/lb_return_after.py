"""The closure is returned from inside the loop: the loop ends there."""
# topic: late-binding


def first_negative(values):
    for v in values:
        if v < 0:
            return lambda: "negative: %d" % v
    return lambda: "none"


def scenario_first():
    return first_negative([3, -1, -5])()
