"""`super()` in an ordinary function with no arguments, outside any class."""
# topic: super-call


def helper():
    return super()


def scenario_helper():
    return helper()
