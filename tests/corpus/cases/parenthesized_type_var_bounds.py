# 3.13+: a TypeVar bound scope starts on its expression's line, inside any parentheses.
def g():
    class D[T: (
        int
    ), U: (
        str)]:
        pass
    return D
