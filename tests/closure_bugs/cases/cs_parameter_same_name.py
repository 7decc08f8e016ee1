"""The method's parameter has the class-level name: it reads its parameter."""
# topic: class-scope


class Greeter:
    name = "class"

    def greet(self, name):
        return "hi " + name


def scenario_greet():
    return Greeter().greet("ann")
