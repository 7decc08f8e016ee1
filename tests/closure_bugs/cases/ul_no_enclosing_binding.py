"""UnboundLocalError in a function whose name nothing encloses binds.

A real error, but not a missing `nonlocal`/`global` (`nonlocal x` would be a SyntaxError here):
not the `unbound-local` code of the issue.
"""
# topic: unbound-local


def compute(flag):
    if flag:
        result = 1
    return result


def scenario_compute():
    return compute(False)
