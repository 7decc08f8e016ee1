# Which branch of a try statement CPython visits first decides the order of scopes.
try:
    import missing_module
except ImportError:
    def pick():
        return lambda: "handler"
else:
    def pick():
        return lambda: "else"
finally:
    def cleanup():
        return lambda: "finally"


def star():
    try:
        pass
    except* ValueError:
        def f():
            return lambda: 1
    else:
        def f():
            return lambda: 2
    return f
