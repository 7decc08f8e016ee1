# A comment or a backslash continuation inside a conditional expression: every branch is analysed.
def f(n, a):
    return [x for x in a] if n \
        else [x / n for x in a]

def g(n, a):
    return (
        [x for x in a]  # body
        if n  # test
        # between
        else [lambda: n for x in a]
    )

def h(n):
    return (lambda: n) if \
        n else (lambda: n + 1)
