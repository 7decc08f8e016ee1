# fixes: lb_with_as.py
# code: late-binding
"""The captured name is bound by `with ... as` in the loop body."""
# topic: late-binding


class Resource:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False


def openers(names):
    out = []
    for name in names:
        with Resource(name.upper()) as handle:
            out.append(lambda handle=handle: "using " + handle)
    return out


def scenario_use():
    return [use() for use in openers(["a", "b"])]
