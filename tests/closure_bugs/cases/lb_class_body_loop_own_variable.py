"""A class body's loop variable is the class's own: the lambdas it stores cannot see it and read
the module global of the same name, which the loop leaves alone."""
# topic: late-binding

kind = "module"


class Kinds:
    readers = []
    for kind in ("a", "b"):
        readers.append(lambda: kind)


def scenario_call_after_loop():
    return [read() for read in Kinds.readers]
