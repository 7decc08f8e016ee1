def f():
    fns = [lambda: i for i in range(3)]
    fns2 = [lambda: (i, j) for i in range(3) for j in range(2)]
    return fns, fns2


module_fns = [lambda: i for i in range(3)]
module_dict = {k: (lambda: k) for k in "ab"}


class C:
    fns = [lambda: i for i in range(3)]
    sets = {lambda: s for s in range(2)}
