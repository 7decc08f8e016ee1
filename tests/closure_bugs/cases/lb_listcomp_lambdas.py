"""A list comprehension of lambdas: they share the comprehension's cell of `x`."""
# topic: late-binding


def adders():
    return [lambda y: x + y for x in range(3)]


def scenario_add():
    return [add(10) for add in adders()]
