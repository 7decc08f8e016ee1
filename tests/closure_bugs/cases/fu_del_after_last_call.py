"""The owner `del`s the variable only after the last call of the closure."""
# topic: free-unbound


def use_once():
    data = [1, 2, 3]

    def total():
        return sum(data)

    result = total()
    del data
    return result


def scenario_use():
    return use_once()
