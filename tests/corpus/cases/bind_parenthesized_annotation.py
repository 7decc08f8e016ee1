def f():
    (no_such_global): int  # not a simple target: not a binding, only a use
    print(no_such_global)
    (x): int = 1  # not simple either, still an assignment
    return lambda: x
