def f[T]():

    def inner():
        nonlocal T
