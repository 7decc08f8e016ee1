# fixes: lb_append_def.py
# code: late-binding
"""Nested `def`s appended in a loop: every validator checks against the last limit."""
# topic: late-binding
import functools


def make_validators(limits):
    validators = []
    for limit in limits:
        def check(value, *, limit):
            return value <= limit
        validators.append(functools.partial(check, limit=limit))
    return validators


def scenario_validate():
    return [check(5) for check in make_validators([3, 5, 10])]
