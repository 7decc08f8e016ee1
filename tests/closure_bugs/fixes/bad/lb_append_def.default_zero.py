# fixes: lb_append_def.py
# code: late-binding
"""Nested `def`s appended in a loop: every validator checks against the last limit."""
# topic: late-binding


def make_validators(limits):
    validators = []
    for limit in limits:
        def check(value, limit=0):
            return value <= limit
        validators.append(check)
    return validators


def scenario_validate():
    return [check(5) for check in make_validators([3, 5, 10])]
