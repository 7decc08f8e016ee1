"""`def f(x, *, limit=limit)` binds the value per iteration."""
# topic: late-binding


def make_validators(limits):
    validators = []
    for limit in limits:
        def check(value, *, limit=limit):
            return value <= limit
        validators.append(check)
    return validators


def scenario_validate():
    return [check(5) for check in make_validators([3, 5, 10])]
