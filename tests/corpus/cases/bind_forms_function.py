import contextlib


def binds(items, subject):
    a = 1
    b = 0
    b += 1
    c, *d = items
    (e1, e2), e3 = items
    [f1, [f2]] = items
    for g1, g2 in items:
        pass
    async def co():
        async for g3 in items:
            pass
        async with items as g4:
            pass
    with contextlib.nullcontext() as h1, contextlib.nullcontext() as (h2, h3):
        pass
    try:
        pass
    except Exception as i1:
        pass
    import os
    import os.path as i2
    from os import sep as i3, getcwd
    j: int
    k: int = 1
    if (l := 3):
        pass
    del a

    def m():
        pass

    class N:
        pass

    def inner():
        return (a, b, c, d, e1, e2, e3, f1, f2, g1, g2, h1, h2, h3, i1, i2, i3, getcwd,
                j, k, l, m, N, os)

    return inner, co
