"""`super()` in a nested function with an argument: that argument is taken as the instance."""
# topic: super-call


class Base:
    def size(self):
        return 1


class Child(Base):
    def sizes(self, items):
        def one(item):
            return super().size() + item
        return [one(i) for i in items]


def scenario_sizes():
    return Child().sizes([1, 2])
