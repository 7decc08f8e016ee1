def outer():
    Local = int
    Other = str

    def f(a: Local, b: "Other" = None) -> Other:
        return a

    def unannotated(a, b=1):
        return a

    return f, unannotated


class C:
    attr: int
    other: C
    value: int = 1

    def m(self, x: C) -> int:
        return 0


module_var: int = 1
another: str
