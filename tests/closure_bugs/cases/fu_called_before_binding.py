"""The closure is called before the owner binds `value`."""
# topic: free-unbound


def setup():
    def show():
        return "value is %s" % value

    early = show()
    value = 42
    return early


def scenario_setup():
    return setup()
