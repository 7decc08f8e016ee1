class C:
    pass


class D:

    type A = [x for x in range(3)]
