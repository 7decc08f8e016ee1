"""A property reads a class-level constant without qualification."""
# topic: class-scope


class Square:
    side = 4

    @property
    def area(self):
        return side * side


def scenario_area():
    return Square().area
