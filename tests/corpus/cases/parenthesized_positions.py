# CPython's AST gives an expression the position of its first token inside any parentheses: the
# first line of a decorated def or class is its first decorator expression's, and annotation and
# TypeVar-bound scopes (3.13+) start where their expression starts.
def deco(x):
    return x


@(
    deco
)
def f(a):
    return lambda: a


@(

    deco)
class C:
    y: (
        int
    ) = 1


z: (
    int
) = 2
