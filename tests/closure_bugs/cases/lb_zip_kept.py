"""A lazy `zip` over a `map` kept past the loop."""
# topic: late-binding


def labelled(labels, values, offsets):
    streams = []
    for offset in offsets:
        streams.append(zip(labels, map(lambda v: v + offset, values)))
    return streams


def scenario_consume_after_loop():
    return [list(s) for s in labelled(["a", "b"], [1, 2], [0, 100])]
