"""`str.join` consuming a generator expression in the iteration."""
# topic: late-binding


def lines(rows, seps):
    out = []
    for sep in seps:
        out.append(", ".join(r + sep for r in rows))
    return out


def scenario_join():
    return lines(["a", "b"], ["!", "?"])
