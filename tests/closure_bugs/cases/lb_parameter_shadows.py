"""The lambda's parameter is named like the loop variable: it captures nothing."""
# topic: late-binding


def doublers(count):
    out = []
    for i in range(count):
        out.append(lambda i: i * 2)
    return out


def scenario_double():
    return [d(k) for k, d in enumerate(doublers(3))]
