ﬁle = "ligature"  # NFKC: file
ｘ = 1  # fullwidth x


def outer():
    ℌ = 1  # NFKC: H
    ﬁle = 2

    def inner():
        return H, file, x

    return inner


def f(ᵃ):  # NFKC: a
    return lambda: a


class Ｃlass:
    def m(self):
        __ﬁeld = 1
        return lambda: __field
