def outer():
    x = 1

    def inner():
        x: int
        nonlocal x
