def outer():
    x = 1
    def inner():
        return x
    return inner


def f():
    y = 1
    global y
