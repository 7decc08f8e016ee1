import os
import os.path
import os.path as osp
from os import sep as s1, getcwd
a = 1
b = 0
b += 1
c, *d = [1, 2, 3]
for e in ():
    pass
with open(__file__) as f:
    pass
try:
    pass
except Exception as g:
    pass
h: int
i: int = 1
if (j := 3):
    pass
del a


def k():
    return a, b, c, d, e, f, g, h, i, j, os, osp, s1, getcwd


class L:
    m = 1
    n: int
    for o in ():
        pass
    del m
