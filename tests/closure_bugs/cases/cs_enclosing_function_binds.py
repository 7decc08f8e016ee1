"""An enclosing function binds `tag`: the method's `tag` is the function's, not the class's."""
# topic: class-scope


def make():
    tag = "function"

    class Tagged:
        tag = "class"

        def get(self):
            return tag

    return Tagged().get()


def scenario_make():
    return make()
