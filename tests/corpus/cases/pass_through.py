def a():
    x = 1

    def b():
        def c():
            def d():
                return x

            return d

        return c

    return b


def e():
    y = 1

    def f():
        z = 2

        def g():
            return y, z

        return g

    return f
