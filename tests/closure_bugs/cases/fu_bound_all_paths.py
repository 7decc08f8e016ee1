"""`prefix` is bound on both branches: the closure always finds a value."""
# topic: free-unbound


def make_logger(debug):
    if debug:
        prefix = "[debug] "
    else:
        prefix = ""

    def log(message):
        return prefix + message

    return log


def scenario_log():
    return [make_logger(True)("a"), make_logger(False)("b")]
