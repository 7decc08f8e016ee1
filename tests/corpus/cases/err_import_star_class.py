class C:
    from os import *
