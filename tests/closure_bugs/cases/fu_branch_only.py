"""`prefix` is bound only when `debug` is true; the closure reads it either way."""
# topic: free-unbound


def make_logger(debug):
    if debug:
        prefix = "[debug] "

    def log(message):
        return prefix + message

    return log


def scenario_debug():
    return make_logger(True)("a")


def scenario_quiet():
    return make_logger(False)("b")
