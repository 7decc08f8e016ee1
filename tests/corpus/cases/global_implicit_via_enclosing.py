def outer():
    global g
    g = 1

    def inner():
        return g  # enclosing function declared it global: GLOBAL_IMPLICIT

    def inner2():
        g = 2  # a binding makes it local again
        return g

    return inner, inner2
