"""A generator expression kept past the loop: its body reads `k` when consumed."""
# topic: late-binding


def lazy_scaled(data, factors):
    gens = []
    for k in factors:
        gens.append(x * k for x in data)
    return gens


def scenario_consume_after_loop():
    return [list(g) for g in lazy_scaled([1, 2], [1, 10])]
