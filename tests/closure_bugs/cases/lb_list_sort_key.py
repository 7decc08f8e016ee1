"""`list.sort(key=...)` is as eager as `sorted` (it is not in the issue's list)."""
# topic: late-binding


def sort_around(values, centres):
    out = []
    for c in centres:
        copy = list(values)
        copy.sort(key=lambda v: abs(v - c))
        out.append(copy)
    return out


def scenario_sort():
    return sort_around([1, 5, 9], [0, 10])
