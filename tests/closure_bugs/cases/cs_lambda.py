"""A lambda in a class body reads another class-level name when it is called."""
# topic: class-scope


class Scaler:
    factor = 2
    scale = lambda self, x: x * factor


def scenario_scale():
    return Scaler().scale(5)
