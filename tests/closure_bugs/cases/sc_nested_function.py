"""Zero-argument `super()` in a function nested in a method (it has no arguments)."""
# topic: super-call


class Base:
    def greet(self):
        return "base"


class Child(Base):
    def greet(self):
        def inner():
            return super().greet() + "+child"
        return inner()


def scenario_greet():
    return Child().greet()
