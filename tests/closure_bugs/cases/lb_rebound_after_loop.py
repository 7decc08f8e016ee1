"""The closure reads `suffix`, which the loop does not rebind; code after the loop does.

Calling the closures then sees the new `suffix`, as intended here: this is ordinary late binding
of an enclosing variable, not a loop's.
"""
# topic: late-binding


def formatters(names):
    suffix = "!"
    out = []
    for name in names:
        out.append(lambda name=name: name + suffix)
    suffix = "?"
    return out


def scenario_format():
    return [f() for f in formatters(["a", "b"])]
