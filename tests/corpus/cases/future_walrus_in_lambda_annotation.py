from __future__ import annotations


def g():
    x: (lambda: (y := 1)) = 2
    return x
