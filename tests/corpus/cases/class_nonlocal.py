def outer():
    x = 1

    class C:
        nonlocal x  # legal in a class body: x is outer's cell
        x = 2

        def m(self):
            return x

    return C
