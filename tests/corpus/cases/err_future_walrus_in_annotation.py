from __future__ import annotations


def f(a: (x := 1)):
    pass
