"""`while True:` that makes the closure and breaks right away."""
# topic: late-binding


def first_even(values):
    it = iter(values)
    while True:
        v = next(it)
        if v % 2 == 0:
            show = lambda: "even %d" % v
            break
    return show


def scenario_first_even():
    return first_even([1, 3, 4, 6])()
