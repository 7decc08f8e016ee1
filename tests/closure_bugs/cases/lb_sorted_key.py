"""A key function made in a loop and consumed at once by `sorted`."""
# topic: late-binding


def nearest_first(points, centres):
    out = []
    for c in centres:
        out.append(sorted(points, key=lambda p: abs(p - c)))
    return out


def scenario_sort():
    return nearest_first([1, 5, 9], [0, 10])
