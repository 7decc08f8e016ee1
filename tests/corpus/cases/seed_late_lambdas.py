def late():
    return [lambda: i for i in range(3)]


def late_loop():
    fns = []
    for i in range(3):
        fns.append(lambda: i)
    return fns


def early():
    return [lambda i=i: i for i in range(3)]


module_late = [lambda: j for j in range(3)]
