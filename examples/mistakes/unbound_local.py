def make_counter():
    count = 0

    def increment():
        # Without `nonlocal count` this assignment makes `count` local to increment,
        # so the read on the right raises UnboundLocalError when called.
        count = count + 1
        return count

    return increment


def declared_too_late():
    total = 0

    def add(x):
        total += x
        nonlocal total
        return total

    return add
