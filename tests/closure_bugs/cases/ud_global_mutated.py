"""`global REGISTRY` before `REGISTRY.append(...)`: mutating is not assigning."""
# topic: unused-declaration

REGISTRY = []


def register(name):
    global REGISTRY
    REGISTRY.append(name)
    return len(REGISTRY)


def scenario_register():
    return [register("a"), register("b")]
