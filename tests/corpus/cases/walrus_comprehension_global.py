def f(data):
    global hit
    [(hit := x) for x in data]
    list((hit2 := x) for x in data)
    return hit2


def g(data):
    global gg
    return [[(gg := x) for x in row] for row in data]
