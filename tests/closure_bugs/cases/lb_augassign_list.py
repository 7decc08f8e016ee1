"""Closures added with `+=` to an outer list."""
# topic: late-binding


def make_steps(count):
    steps = []
    for n in range(count):
        steps += [lambda: n + 100]
    return steps


def scenario_steps():
    return [step() for step in make_steps(3)]
