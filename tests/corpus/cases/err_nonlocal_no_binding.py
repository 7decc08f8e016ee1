def outer():

    def inner():
        nonlocal x
