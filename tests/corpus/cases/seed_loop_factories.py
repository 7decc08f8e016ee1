def make_funcs():
    funcs = []
    for i in range(3):
        def f():
            return i  # late binding: every f sees the last i

        funcs.append(f)
    return funcs


def make_funcs_fixed():
    funcs = []
    for i in range(3):
        def f(i=i):
            return i

        funcs.append(f)
    return funcs


def make_funcs_factory():
    def make(i):
        return lambda: i

    return [make(i) for i in range(3)]
