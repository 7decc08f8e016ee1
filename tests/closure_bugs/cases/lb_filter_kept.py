"""`filter` is lazy too: the predicate runs when the kept iterator is consumed."""
# topic: late-binding


def above_each(data, thresholds):
    kept = []
    for t in thresholds:
        kept.append(filter(lambda x: x > t, data))
    return kept


def scenario_consume_after_loop():
    return [list(it) for it in above_each([1, 5, 9], [0, 4, 8])]
