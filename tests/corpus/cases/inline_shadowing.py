def outer_cell():
    x = 1
    g = lambda: x
    r = [x for x in range(3)]  # 3.12+: the comprehension's x shadows outer's cell x
    return g, r, x


def outer_global():
    global y
    return [y for y in range(3)]


def comp_cell_and_param(x):
    return [lambda: x for x in range(3)], x


class K:
    i = "class attr"
    items = [i for i in range(3)]
    fns = [lambda: i for i in range(3)]


def nonlocal_in_comprehension_lambda():
    total = 0
    fns = [lambda: total for _ in range(2)]

    def bump():
        nonlocal total
        total += 1

    return fns, bump


def default_with_comprehension(a=[q for q in range(2)], b=lambda: [r for r in range(2)]):
    return a, b
