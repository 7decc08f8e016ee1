def late_lambdas():
    # All three lambdas share one cell for `i`: each returns 2.
    return [lambda: i for i in range(3)]


def late_loop():
    handlers = []
    for i in range(3):
        handlers.append(lambda: i)
    return handlers


def fixed_with_default():
    return [lambda i=i: i for i in range(3)]


class Base:
    def describe(self):
        return "base"


class Child(Base):
    def describe(self):
        return "child of " + super().describe()
