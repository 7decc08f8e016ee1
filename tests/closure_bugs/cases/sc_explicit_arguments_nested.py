"""A nested function and a generator expression use `super(Child, self)`: explicit, fine."""
# topic: super-call


class Base:
    def value(self):
        return 1


class Child(Base):
    def values(self, n):
        def one():
            return super(Child, self).value()
        return [one()] + list(super(Child, self).value() * i for i in range(n))


def scenario_values():
    return Child().values(3)
