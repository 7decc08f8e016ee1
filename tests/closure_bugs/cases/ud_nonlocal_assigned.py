"""`nonlocal count` with an assignment: needed."""
# topic: unused-declaration


def make():
    count = 0

    def bump():
        nonlocal count
        count = count + 1
        return count

    return bump


def scenario_bump():
    bump = make()
    return [bump(), bump()]
