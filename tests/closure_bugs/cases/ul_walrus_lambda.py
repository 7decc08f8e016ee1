"""A walrus in a lambda binds in the lambda: `counter` is read before it is assigned there."""
# topic: unbound-local


def make_bump():
    counter = 0
    return lambda: (counter := counter + 1)


def scenario_bump():
    return make_bump()()
