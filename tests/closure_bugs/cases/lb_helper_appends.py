"""A helper called in the loop appends a lambda over the loop variable to an outer list.

The helper itself is called at once (it does not escape); the lambda it makes does.
"""
# topic: late-binding


def collect(count):
    out = []
    for i in range(count):
        def add():
            out.append(lambda: i)
        add()
    return out


def scenario_collect():
    return [f() for f in collect(3)]
