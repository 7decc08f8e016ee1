"""The cell is emptied by `del` while an inner-inner function still needs it."""
# topic: free-unbound


def outer():
    config = {"debug": True}

    def middle():
        def inner():
            return config["debug"]
        return inner

    inner = middle()
    del config
    return inner()


def scenario_outer():
    return outer()
