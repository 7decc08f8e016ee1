"""Closures made in a loop share a counter on purpose through `nonlocal` writes."""
# topic: late-binding


def make_hitters(names):
    hits = 0
    out = []
    for name in names:
        def hit(name=name):
            nonlocal hits
            hits += 1
            return name, hits
        out.append(hit)
    return out


def counters(n):
    count = 0
    out = []
    for _ in range(n):
        def bump():
            nonlocal count
            count += 1
            return count
        out.append(bump)
    return out


def scenario_hit():
    return [h() for h in make_hitters(["a", "b"])] + [b() for b in counters(3)]
