"""`super()` in a method, a classmethod and `__init_subclass__`: all fine."""
# topic: super-call


class Base:
    registry = []

    def greet(self):
        return "base"

    @classmethod
    def create(cls):
        return cls()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Base.registry.append(cls.__name__)


class Child(Base):
    def greet(self):
        return super().greet() + "+child"

    @classmethod
    def create(cls):
        obj = super().create()
        return type(obj).__name__


def scenario_all():
    return [Child().greet(), Child.create(), Base.registry]
