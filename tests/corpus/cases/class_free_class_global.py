# DEF_FREE_CLASS: a name a class-level scope binds or declares itself while a nested scope
# captures the enclosing function's variable. It is in co_freevars (the closure) but the symbol
# table does not call it FREE.
# Here the class declares it global: GLOBAL_EXPLICIT.
def declares_global():
    x = 1

    class C:
        global x

        def m(self):
            return x

    return C
