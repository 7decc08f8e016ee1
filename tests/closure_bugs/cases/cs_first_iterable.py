"""A comprehension's first iterable is evaluated in the class body: it may read class names."""
# topic: class-scope


class Doubled:
    values = [1, 2, 3]
    doubled = [v * 2 for v in values]


def scenario_doubled():
    return Doubled.doubled
