"""A walrus in a comprehension binds `last` in the enclosing function, once per iteration."""
# topic: late-binding


def labellers(words):
    return [lambda: last for w in words if (last := w.title())]


def scenario_labels():
    return [f() for f in labellers(["ann", "bob"])]
