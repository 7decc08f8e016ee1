"""A generator yields closures; this consumer calls each before asking for the next."""
# topic: late-binding
# undecidable: the generator's consumer decides when the yielded closures run; this one calls
#   each while the loop is suspended in the same iteration, another could collect them first.


def multipliers():
    for factor in range(1, 4):
        yield lambda x: x * factor


def scenario_call_as_yielded():
    return [m(10) for m in multipliers()]
