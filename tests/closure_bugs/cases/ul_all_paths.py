"""The nested function binds `label` on every path before reading it."""
# topic: unbound-local


def make_describe():
    label = "default"

    def describe(special):
        if special:
            label = "special"
        else:
            label = "plain"
        return label

    return describe, label


def scenario_describe():
    describe, label = make_describe()
    return [describe(True), describe(False), label]
