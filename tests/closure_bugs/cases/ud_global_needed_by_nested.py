"""`global mode` that `configure` never assigns, yet it matters: it makes the nested `current`
read the module's `mode` instead of the enclosing function's."""
# topic: unused-declaration

mode = "module"


def outer():
    mode = "outer"

    def configure():
        global mode

        def current():
            return mode

        return current()

    return configure(), mode


def scenario_outer():
    return outer()
