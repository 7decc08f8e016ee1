def outer():
    x = 1
    y = 2

    class C:
        def m(self):
            return x

        class D:
            def n(self):
                return y

    return C
