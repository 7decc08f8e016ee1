from __future__ import annotations


def outer():
    Local = int

    def f(a: Local) -> Local:
        return a

    return f


class C:
    attr: C

    def m(self, x: C) -> C:
        return x


module_var: int = 1
