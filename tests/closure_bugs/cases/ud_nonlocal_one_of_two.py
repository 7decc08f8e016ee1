"""`nonlocal hits, misses` where only `hits` is assigned: `misses` is unused."""
# topic: unused-declaration


def make_stats():
    hits = 0
    misses = 0

    def hit():
        nonlocal hits, misses
        hits += 1
        return hits, misses

    return hit


def scenario_hit():
    hit = make_stats()
    return [hit(), hit()]
