"""A method increments a module global without `global`."""
# topic: unbound-local

instances = 0


class Widget:
    def __init__(self):
        instances += 1


def scenario_create():
    Widget()
    return instances
