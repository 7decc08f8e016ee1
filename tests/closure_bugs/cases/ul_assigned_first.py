"""The nested function assigns its own `x` before reading it: a shadowing local, no error."""
# topic: unbound-local


def outer():
    x = "outer"

    def inner():
        x = "inner"
        return x

    return inner(), x


def scenario_shadow():
    return outer()
