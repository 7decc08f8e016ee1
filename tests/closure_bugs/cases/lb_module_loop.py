"""A module-level loop: the lambdas read the module global `i`, which the loop rebinds."""
# topic: late-binding

CALLBACKS = []
for i in range(3):
    CALLBACKS.append(lambda: i)


def scenario_call_after_loop():
    return [cb() for cb in CALLBACKS]
