def outer():
    b = 1
    B = 2
    _b = 3
    a = 4
    é = 5
    Z = 6
    __x = 7
    z9 = 8

    def inner():
        return z9, é, a, _b, B, b, Z, __x

    return inner
