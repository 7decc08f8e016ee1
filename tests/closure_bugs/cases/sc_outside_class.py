"""`super()` in a module-level function later attached to a class: no `__class__` cell."""
# topic: super-call


class Base:
    def describe(self):
        return "base"


def describe(self):
    return super().describe() + "+patched"


class Child(Base):
    pass


Child.describe = describe


def scenario_describe():
    return Child().describe()
