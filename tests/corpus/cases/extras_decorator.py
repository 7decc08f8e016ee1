# A backslash continuation after `@` and comments around decorators.
def f(a, b):
    @(  # c
        lambda fn: a)  # c
    # c
    @ \
    (lambda fn: b)
    def inner():
        return a
    return inner
