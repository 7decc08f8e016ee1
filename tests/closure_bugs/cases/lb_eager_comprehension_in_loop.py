"""A list comprehension in the loop body reads the loop variable: it runs at once."""
# topic: late-binding


def tables(rows, cols):
    out = []
    for r in range(rows):
        out.append([r * c for c in range(cols)])
    return out


def scenario_tables():
    return tables(3, 3)
