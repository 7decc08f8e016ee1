x = 0


def outer():
    global x

    def inner():
        nonlocal x
