"""`prefix` is bound only on one branch, and every caller takes that branch."""
# topic: free-unbound
# undecidable: whether the cell is bound depends on the argument; all calls pass `debug=True`.


def make_logger(debug):
    if debug:
        prefix = "[debug] "

    def log(message):
        return prefix + message

    return log


def scenario_debug():
    return make_logger(True)("a")
