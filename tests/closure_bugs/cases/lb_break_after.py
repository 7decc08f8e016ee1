"""The loop ends right after the closure is made (`break`): nothing rebinds `item` later."""
# topic: late-binding


def find(items, wanted):
    found = None
    for item in items:
        if item == wanted:
            found = lambda: "found " + item
            break
    return found


def scenario_find():
    return find(["a", "b", "c"], "b")()
