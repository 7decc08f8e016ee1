"""`super()` in a staticmethod: no first argument."""
# topic: super-call


class Base:
    @staticmethod
    def make():
        return "base"


class Child(Base):
    @staticmethod
    def make():
        return super().make() + "+child"


def scenario_make():
    return Child.make()
