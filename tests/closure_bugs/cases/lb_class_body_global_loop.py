"""A class body declaring `global mode` loops over it: the loop rebinds the module global, which
the lambdas the body stores read. The class writes the global through `global`, which the labels
count as sharing it on purpose: not late-binding."""
# topic: late-binding


class Modes:
    global mode
    checks = []
    for mode in ("r", "w"):
        checks.append(lambda text: text.startswith(mode))


def scenario_check_after_loop():
    return [check("r+") for check in Modes.checks]
