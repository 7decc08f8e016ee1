"""A `with` body that assigns a global's name: a lock lets exceptions through, so after the `with` the local is bound."""
# topic: unbound-local
import threading

stamp = "module stamp"
LOCK = threading.Lock()


def take(items):
    with LOCK:
        stamp = items.pop()
    return stamp


def scenario_take():
    return take([1, 2])
