def outer():
    def inner():
        nonlocal x  # found only in pass 2 (analysis) ...


def f():
    y = 1
    global y  # ... while this is raised in pass 1, so CPython reports this one
