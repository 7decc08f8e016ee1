# fixes: ul_module_global.py
# code: unbound-local
"""`total += x` in a module-level function: the module binds `total`, `global` is missing."""
# topic: unbound-local

total = 0


def add(x):
    nonlocal total
    total += x
    return total


def scenario_add():
    return add(5)
