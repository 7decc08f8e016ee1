# fixes: ul_some_paths.py
# code: unbound-local
"""The nested function assigns `label` on one branch only and reads it on every path."""
# topic: unbound-local


def make_describe():
    label = "default"

    def describe(special):
        nonlocal label
        if special:
            label = "special"
        return label

    return describe


def scenario_special():
    return make_describe()(True)


def scenario_plain():
    return make_describe()(False)
