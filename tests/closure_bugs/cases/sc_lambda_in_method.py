"""`super()` in a lambda made in a method (the lambda has no arguments)."""
# topic: super-call


class Base:
    def value(self):
        return 1


class Child(Base):
    def later(self):
        return lambda: super().value() + 1


def scenario_later():
    return Child().later()()
