def outer():
    x = 1

    class C:
        x = 2  # the class binds x itself ...

        def m(self):
            return x  # ... but the method captures outer's x: DEF_FREE_CLASS

    return C


def reads():
    y = 1

    class D:
        z = y  # LOAD_CLASSDEREF / LOAD_FROM_DICT_OR_DEREF

    return D


def reads_and_assigns():
    w = 1

    class E:
        print(w)
        w = 2  # class binds w: LOAD_NAME, no closure

    return E
