# fixes: lb_append_lambda.py
# code: late-binding
"""Lambdas appended to a list in a loop and called after it: each sees the last `i`."""
# topic: late-binding


def make_handlers():
    handlers = []
    for i in range(3):
        handlers.append((lambda: i * 10)())
    return handlers


def scenario_call_after_loop():
    return [handler() for handler in make_handlers()]
