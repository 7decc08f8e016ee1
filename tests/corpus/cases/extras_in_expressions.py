# Comments and backslash continuations between the tokens of expressions.
def f1(a, b):
    return (
        (lambda: a)  # left
        + (lambda: b)  # right
    )

def f2(a, b):
    return (lambda: a) or \
        (lambda: b)

def f3(a, b):
    return (
        a  # c
        < (lambda: b)()  # c
        < (lambda: a)()
    )

def f4(a, b):
    return (not  # c
            (lambda: a)())

def f5(a):
    return -\
        (lambda: a)()
def f6(a, b):
    return print(  # c
        (lambda: a),  # c
        # c
        *[lambda: b],
        key=(lambda: a),  # c
        **{"x": lambda: b}  # c
    )

def f7(a):
    return sorted(x  # c
                  for x in a  # c
                  if (lambda: x)())

def f8(a):
    return print \
        ((lambda: a))
def f9(a, b):
    return a[  # c
        (lambda: b)():  # c
        (lambda: a)()  # c
        : (lambda: b)()
    ]

def f10(a, b):
    return a[
        (lambda: a)(),  # c
        # c
        (lambda: b)()
    ]

def f11(a):
    return a \
        [lambda: a]
def f12(a, b):
    return (lambda  # c
            x=(lambda: a),  # c
            *,  # c
            y=(lambda: b)  # c
            :  # c
            (lambda: x + y))

def f13(a):
    return lambda \
        x: \
        (lambda: x + a)
def f14(a, b):
    return [
        (lambda: x + y)  # c
        for x in a  # c
        # c
        if x  # c
        for y in (lambda: b)()  # c
        if (lambda: y)()  # c
    ]

def f15(a):
    return {k: (lambda: v)  # c
            for k, v in a}

def f16(a):
    return [x for \
            x in a if \
            (lambda: x)()]

async def f17(a):
    return [x async  # c
            for x in a]
def f18(a, b):
    return f"{  (lambda: a)()  }{ b !r:{ (lambda: b)() }}"
