"""Closures appended in a loop that, with this data, runs exactly once."""
# topic: late-binding
# undecidable: the number of iterations comes from the data; with one item nothing rebinds
#   `name` after the closure is made.


def make(names):
    out = []
    for name in names:
        out.append(lambda: "hi " + name)
    return out


def scenario_one_name():
    return [f() for f in make(["ann"])]
