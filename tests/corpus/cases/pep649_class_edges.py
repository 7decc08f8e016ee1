def outer():
    Hidden = int

    class C:
        Visible = str
        __Mangled = bytes

        def m(self, a: Visible, b: Hidden, c: __Mangled) -> __class__:
            return super()

        def n(self) -> "C":
            x: Hidden = 1  # a local annotation: never evaluated
            if x:
                y: Visible
            return x

        later: Later
        Later = float
        cond: int if Visible else str

    return C
