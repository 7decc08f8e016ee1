"""A local `def` in the loop, called in the same iteration and never stored."""
# topic: late-binding


def totals(orders):
    out = []
    for order in orders:
        def total():
            return sum(order)
        out.append(total())
    return out


def scenario_totals():
    return totals([[1, 2], [3, 4]])
