# fixes: lb_module_loop.py
# code: late-binding
"""A module-level loop: the lambdas read the module global `i`, which the loop rebinds."""
# topic: late-binding

CALLBACKS = []
for i in range(3):
    CALLBACKS.append(lambda i=i: i)


def scenario_call_after_loop():
    return [cb() for cb in CALLBACKS]
