"""The owner `del`s the variable after making the closure: calling it raises NameError."""
# topic: free-unbound


def make_getter():
    token = "secret"

    def get():
        return token

    del token
    return get


def scenario_get():
    return make_getter()()
