"""`del state` in a nested function deletes a local that was never bound."""
# topic: unbound-local


def make_store():
    state = {"a": 1}

    def reset():
        del state

    return reset


def scenario_reset():
    return make_store()()
