"""Only a comprehension's first iterable is evaluated in the class; the second is not."""
# topic: class-scope


def build():
    class Pairs:
        names = ["a", "b"]
        pairs = [(x, y) for x in names for y in names]
    return Pairs.pairs


def scenario_build():
    return build()
