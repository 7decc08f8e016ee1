"""A nested function in a generic method (3.12+) is passed the method's instance: `super()` in it
works."""
# topic: super-call
# python: 3.12+


class Base:
    def describe(self):
        return "base"


class Child(Base):
    def describe_as[T](self, kind: T) -> str:
        def inner(me):
            return super().describe() + f" as {kind}"
        return inner(self)


def scenario_describe():
    return Child().describe_as("child")
