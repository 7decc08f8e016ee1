"""A closure stored in a tuple next to the value it should have used."""
# topic: late-binding


def pairs(values):
    out = []
    for v in values:
        out.append((v, lambda: v * 2))
    return out


def scenario_pairs():
    return [(v, double()) for v, double in pairs([1, 2, 3])]
