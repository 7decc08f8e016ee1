# CPython's symtable visits a try statement's `else` before its handlers, so scopes defined there
# come first in the symtable's children (pre-order), unlike source order.
try:
    import _fast
except ImportError:
    def impl():
        return lambda: 1
else:
    def impl():
        return lambda: 2
finally:
    def cleanup():
        pass


def f():
    try:
        pass
    except* ValueError:
        def g():
            pass
    else:
        def h():
            pass
    return g, h


for item in ():
    def in_loop():
        pass
else:
    def after_loop():
        pass
