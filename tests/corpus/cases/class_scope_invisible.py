value = "global"


class C:
    value = "class"
    other = value

    def method(self):
        return value  # the global: class scopes are invisible

    lam = lambda self: value
    gen = (value for _ in range(1))
    comp = [value for _ in range(1)]


def outer():
    hidden = 1

    class D:
        hidden = 2
        global g1
        g1 = 3

        def m(self):
            return hidden, g1

    return D
