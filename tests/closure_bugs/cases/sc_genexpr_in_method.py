"""`super()` in a generator expression: its hidden first argument is the iterator."""
# topic: super-call


class Base:
    def weight(self):
        return 2


class Child(Base):
    def weights(self, n):
        return list(super().weight() * i for i in range(n))


def scenario_weights():
    return Child().weights(3)
