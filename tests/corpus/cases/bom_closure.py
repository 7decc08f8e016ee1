def f():
    z = 1
    return lambda: z
