"""A nested factory made in the loop and stored: called later, it builds lambdas over the last `i`."""
# topic: late-binding


def factories(count):
    out = []
    for i in range(count):
        def factory():
            return lambda: i
        out.append(factory)
    return out


def scenario_build_then_call():
    return [factory()() for factory in factories(3)]
