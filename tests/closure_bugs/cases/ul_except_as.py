"""A nested function reads `error`, which its own `except ... as error` makes local."""
# topic: unbound-local


def make_attempt():
    error = None

    def attempt(fail):
        if error is not None:
            return "already failed"
        try:
            if fail:
                raise ValueError("boom")
        except ValueError as error:
            return str(error)
        return "ok"

    return attempt


def scenario_attempt():
    return make_attempt()(False)
