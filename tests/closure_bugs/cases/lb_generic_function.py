"""A generic function (3.12+) made in a loop reads the loop variable through its type-parameter
scope: late binding, as for a plain `def`."""
# topic: late-binding
# python: 3.12+

handlers = []
for level in range(3):
    def handler[T](value: T) -> tuple[int, T]:
        return level, value
    handlers.append(handler)


def scenario_levels():
    return [h("x") for h in handlers]
