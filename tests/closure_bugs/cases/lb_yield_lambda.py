"""A generator yields closures while its loop continues; the consumer collects them first."""
# topic: late-binding


def multipliers():
    for factor in range(1, 4):
        yield lambda x: x * factor


def scenario_collect_then_call():
    return [m(10) for m in list(multipliers())]
