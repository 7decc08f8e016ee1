x = 1


def reads_then_dead_assign():
    print(x)  # UnboundLocalError at run time: x is local to the whole block
    return
    x = 2


def dead_if():
    if False:
        y = 1

    def h():
        return y

    return h


def dead_while():
    while 0:
        z = 1
        for w in ():
            pass
    return lambda: (z, w)


if 0:
    def ghost():  # in the symtable, never compiled
        v = 1
        return lambda: v
