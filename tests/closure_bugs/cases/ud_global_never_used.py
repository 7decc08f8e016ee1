"""A `global` declaration for a name the function never mentions again."""
# topic: unused-declaration

counter = 0


def reset_view():
    global counter
    return "view reset"


def scenario_reset():
    return [reset_view(), counter]
