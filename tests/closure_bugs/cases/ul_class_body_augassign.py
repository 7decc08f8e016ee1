"""`size += 1` in a class body reads the module's `size` (class bodies look names up by name)."""
# topic: unbound-local

size = 10


class Box:
    size += 1


def scenario_size():
    return [Box.size, size]
