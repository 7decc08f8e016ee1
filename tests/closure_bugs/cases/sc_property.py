"""`super()` in a property getter: fine."""
# topic: super-call


class Base:
    @property
    def name(self):
        return "base"


class Child(Base):
    @property
    def name(self):
        return super().name + "+child"


def scenario_name():
    return Child().name
