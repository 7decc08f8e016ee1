class D:
    fns = [lambda: q for q in range(2)]  # 3.12+: cell q lands on the class code object
    type T = int  # __classdict__

    def m(self):
        return super()  # __class__


class E:
    def m(self):
        return super()

    attr: int  # 3.14: __classdict__ via __annotate__
    zs = [lambda: z for z in range(2)]
