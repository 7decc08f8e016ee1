"""A generator expression in a class body reads a class-level name."""
# topic: class-scope


def build():
    class Weights:
        weights = [1, 2, 3]
        factor = 10
        total = sum(w * factor for w in weights)
    return Weights.total


def scenario_build():
    return build()
