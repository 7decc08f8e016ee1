# DEF_FREE_CLASS: a name a class-level scope binds or declares itself while a nested scope
# captures the enclosing function's variable. It is in co_freevars (the closure) but the symbol
# table does not call it FREE.
# 3.12+: in a class-visible type-params scope it is GLOBAL_IMPLICIT.
def annotation_in_type_params():
    y = 1

    class D:
        y = 2

        # 3.12 / 3.13: the return annotation is evaluated in the hidden type-params scope of m,
        # which sees D's y (GLOBAL_IMPLICIT there) while m's body captures the enclosing y.
        def m[T](self) -> y:
            return y

    return D
