"""A generator function made in the loop; its generators start running after the loop."""
# topic: late-binding


def countdowns(starts):
    gens = []
    for start in starts:
        def countdown():
            n = start
            while n > 0:
                yield n
                n -= 1
        gens.append(countdown())
    return gens


def scenario_consume_after_loop():
    return [list(g) for g in countdowns([1, 3])]
