# fixes: ud_global_shadows_enclosing.py
# code: unused-declaration
"""`global level` that is only read: without it the read would find the enclosing `level`."""
# topic: unused-declaration

level = "module"


def outer():
    level = "outer"

    def read():
        return level

    return read(), level


def scenario_outer():
    return outer()
