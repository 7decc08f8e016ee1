"""The nested function only reads the enclosing `limit`: a free variable, no error."""
# topic: unbound-local


def make_check(limit):
    def check(v):
        return v < limit
    return check


def scenario_check():
    check = make_check(3)
    return [check(1), check(5)]
