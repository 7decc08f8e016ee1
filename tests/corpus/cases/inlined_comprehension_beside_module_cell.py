# A module-level comprehension whose variable a lambda captures makes the module hold a cell for
# it (3.12+: inlined); a function's inlined comprehension reading the function's own local of the
# same name captures nothing.
fs = [lambda: s for s in range(2)]


def f(xs):
    for s in xs:
        ys = [s for _ in xs]
    return ys
