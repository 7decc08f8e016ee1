"""`nonlocal count` is there: the counter works."""
# topic: unbound-local


def make_counter():
    count = 0

    def increment():
        nonlocal count
        count += 1
        return count

    return increment


def scenario_count():
    inc = make_counter()
    return [inc(), inc(), inc()]
