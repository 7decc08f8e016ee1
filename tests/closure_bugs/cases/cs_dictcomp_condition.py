"""A dict comprehension's condition reads a class-level threshold."""
# topic: class-scope


def build():
    class Filter:
        threshold = 2
        items = {"a": 1, "b": 3}
        kept = {k: v for k, v in items.items() if v > threshold}
    return Filter.kept


def scenario_build():
    return build()
