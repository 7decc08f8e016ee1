"""The loop rebinds the captured name, but to the very same object on every iteration."""
# topic: late-binding
# undecidable: the closures do share `mode`, but the data repeats one object, so no call can
#   observe another value; a static analysis cannot know the data.


def readers(modes):
    out = []
    for mode in modes:
        out.append(lambda: mode)
    return out


def scenario_same():
    shared = "fast"
    return [r() for r in readers([shared, shared, shared])]
