def listcomp():
    return [x for x in range(3)]


def genexpr():
    y = 1
    return lambda: y


class setcomp:
    def dictcomp(self):
        pass
