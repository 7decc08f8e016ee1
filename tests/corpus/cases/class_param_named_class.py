class C:
    def m(self):
        def create_closure(__class__):
            return (lambda: __class__).__closure__  # the parameter, not the implicit cell

        return create_closure

    def n(self):
        __class__ = 1
        return lambda: __class__
