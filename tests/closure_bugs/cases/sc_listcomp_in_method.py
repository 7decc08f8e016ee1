"""`super()` in a list comprehension in a method.

CPython 3.11 runs the comprehension as a function whose first argument is the iterator, so
`super()` raises TypeError; 3.12+ inline list comprehensions (PEP 709) and it works.
"""
# topic: super-call


class Base:
    def weight(self):
        return 2


class Child(Base):
    def weights(self, n):
        return [super().weight() * i for i in range(n)]


def scenario_weights():
    return Child().weights(3)
