"""A class body declaring `nonlocal v` loops over it: the loop rebinds the function's cell, which
the lambdas the body stores read. The class writes the cell through `nonlocal`, which the labels
count as sharing it on purpose (as a counter is shared): not late-binding."""
# topic: late-binding


def make_handlers():
    v = None

    class Handlers:
        nonlocal v
        table = []
        for v in ("open", "close"):
            table.append(lambda: v)

    return Handlers.table


def scenario_call_after_loop():
    return [handler() for handler in make_handlers()]
