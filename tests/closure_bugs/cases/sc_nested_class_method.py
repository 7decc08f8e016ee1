"""A class defined inside a method: its own methods' `super()` refers to the nested class."""
# topic: super-call


class Outer:
    def make(self):
        class Inner(dict):
            def keys_sorted(self):
                return sorted(super().keys())
        return Inner(b=1, a=2).keys_sorted()


def scenario_make():
    return Outer().make()
