def make_counter():
    count = 0

    def counter():
        nonlocal count
        count += 1
        return count

    return counter


def make_stepper(step):
    total = 0

    def advance():
        nonlocal total
        total += step
        return total

    def reset():
        nonlocal total
        total = 0

    return advance, reset
