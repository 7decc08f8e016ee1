# Comments and backslash continuations between the tokens of statements.
def f1(a, b):
    with (  # c
        a as x,  # c
        # c
        (lambda: b)() as y,  # c
    ):
        return lambda: x + y

def f2(a, b):
    with a as x, \
         (lambda: b)() as y:
        return lambda: x + y

def f3(a, b):
    match (  # c
        a):
        case [  # c
            x,  # c
            # c
            *rest  # c
        ] if (lambda: b)():  # c
            return lambda: x + rest
        case {  # c
            "k": v,  # c
            **kw  # c
        }:
            return lambda: v + kw
        case Point(  # c
            x=px,  # c
            y=py  # c
        ) as whole:
            return lambda: px + py + whole
        case (  # c
            1  # c
            | 2  # c
        ) as one:
            return lambda: one

def f4(a, b):
    return {  # c
        (lambda: a): (lambda: b),  # c
        # c
        **{lambda: b: 1}  # c
    }

def f5(a, b):
    x = \
        lambda: a
    y: \
        int = (lambda: b)
    return x, y

def f6(a, b):
    global c
    del \
        a
    return [lambda: b]

def f7(a):
    (x  # c
     ) = (lambda: a)
    return x

def f8(a, b):
    for x, \
        y in a:
        pass
    return lambda: x + y

def f9(a):
    return (yield  # c
            (lambda: a))

async def f10(a):
    return await \
        (lambda: a)()

def f11(a):
    return (y := \
            (lambda: a))

def f12(a):
    assert (lambda: a)(), \
        (lambda: a)
    raise (lambda: a)() \
        from (lambda: a)()

def f13(a, *args, b=1, **kw):
    return [lambda: a]

def f14(a):
    try:
        pass
    except (  # c
        ValueError) as e:
        return lambda: e

def f15(a):
    try:
        pass
    except* \
        TypeError as e2:
        return lambda: e2

def f16(a, b):
    class C(  # c
        (lambda: a)(),  # c
        metaclass=(lambda: b)()  # c
    ):
        x = a
        def m(self):
            return x
    return C

def f17(a):
    def h(  # c
        x=(lambda: a),  # c
        # c
        *args,  # c
        y: (lambda: a) = 1,  # c
        **kw  # c
    ) -> (lambda: a):
        return x
    return h
