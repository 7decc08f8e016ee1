counter = 0
untouched = 0


def bump():
    global counter
    counter += 1


class C:
    def m(self):
        global declared_only
