def broken():
    def inner():
        nonlocal missing
        missing = 1

    return inner
