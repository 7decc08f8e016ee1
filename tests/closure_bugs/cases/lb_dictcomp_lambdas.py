"""A dict comprehension whose values are closures over the key."""
# topic: late-binding


def shouters(words):
    return {w: (lambda: w.upper() + "!") for w in words}


def scenario_shout():
    table = shouters(["hey", "you"])
    return [table["hey"](), table["you"]()]
