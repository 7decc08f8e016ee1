"""A walrus in a comprehension binds `running` in `totals`, which reads it first.

CPython 3.11 runs the comprehension as a function reading `running` from a cell (a NameError for
a free variable); 3.12+ inline it (PEP 709) and raise UnboundLocalError for the local.
"""
# topic: unbound-local


def make_totals(values):
    running = 0

    def totals():
        return [(running := running + v) for v in values]

    return totals


def scenario_totals():
    return make_totals([1, 2, 3])()
