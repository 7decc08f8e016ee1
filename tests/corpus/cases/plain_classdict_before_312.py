def f():
    __classdict__ = 1

    class C:
        g = lambda: __classdict__

    return C
