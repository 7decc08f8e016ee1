"""A closure passed to a same-file function that stores it (not one that calls it at once)."""
# topic: late-binding

REGISTRY = []


def register(callback):
    REGISTRY.append(callback)


def setup(levels):
    for level in levels:
        register(lambda: "level " + level)


def scenario_fire():
    REGISTRY.clear()
    setup(["debug", "info"])
    return [callback() for callback in REGISTRY]
