def f():
    if False:
        global x
    x = 1
    return lambda: x


def g():
    return
    nonlocal_is_not_here = 1
    global y
