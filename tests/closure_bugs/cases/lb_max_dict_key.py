"""`max(mapping, key=lambda k: ...)` over a dict, with the loop variable in the key."""
# topic: late-binding


def best(scores, weights):
    out = []
    for w in weights:
        out.append(max(scores, key=lambda k: scores[k] * w))
    return out


def scenario_best():
    return best({"a": 1, "b": -2}, [1, -1])
