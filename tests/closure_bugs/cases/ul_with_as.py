"""A nested function reads `handle`, then binds it with `with ... as handle`."""
# topic: unbound-local


class Opened:
    def __enter__(self):
        return "new handle"

    def __exit__(self, *exc):
        return False


def make_reopen():
    handle = "old handle"

    def reopen():
        previous = handle
        with Opened() as handle:
            return previous, handle

    return reopen


def scenario_reopen():
    return make_reopen()()
