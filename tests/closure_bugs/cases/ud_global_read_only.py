"""`global LIMIT` in a function that only reads it."""
# topic: unused-declaration

LIMIT = 3


def within(v):
    global LIMIT
    return v <= LIMIT


def scenario_within():
    return [within(1), within(5)]
