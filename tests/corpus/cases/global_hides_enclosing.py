x = "module"


def outer():
    x = "outer"

    def mid():
        global x
        x = "mid"

        def inner():
            return x  # the module global: mid's global x hides outer's x

        return inner

    def other():
        return x  # outer's x

    return mid, other
