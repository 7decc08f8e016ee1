"""`min` and `max` with a `key=` made in the loop."""
# topic: late-binding


def closest_and_farthest(points, targets):
    out = []
    for t in targets:
        out.append((min(points, key=lambda p: abs(p - t)), max(points, key=lambda p: abs(p - t))))
    return out


def scenario_extremes():
    return closest_and_farthest([1, 4, 9], [0, 5])
