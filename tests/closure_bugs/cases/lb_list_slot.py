"""Closures stored into list slots by index (`slots[i] = ...`)."""
# topic: late-binding


def make_slots(n):
    slots = [None] * n
    for i in range(n):
        slots[i] = lambda: i * i
    return slots


def scenario_squares():
    return [slot() for slot in make_slots(4)]
