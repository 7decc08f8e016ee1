"""`del` then a new binding before the closure runs: the cell holds the new value."""
# topic: free-unbound


def make():
    value = 1

    def get():
        return value

    del value
    value = 2
    return get


def scenario_get():
    return make()()
