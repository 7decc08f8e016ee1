"""A closure in an inner loop that reads only the outer loop's variable."""
# topic: late-binding


def groups(outer, inner):
    out = []
    for g in outer:
        for _ in range(inner):
            out.append(lambda: g)
    return out


def scenario_groups():
    return [f() for f in groups(["x", "y"], 2)]
