"""`nonlocal cache` with `del cache`: deleting is binding."""
# topic: unused-declaration


def make():
    cache = {"a": 1}

    def drop():
        nonlocal cache
        del cache
        return "dropped"

    return drop


def scenario_drop():
    return make()()
