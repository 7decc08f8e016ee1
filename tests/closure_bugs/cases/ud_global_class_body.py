"""`global PREFIX` in a class body that only reads it.

Without the declaration the class body would look the name up in the class namespace first
(LOAD_NAME instead of LOAD_GLOBAL), so CPython does not compile the two identically.
"""
# topic: unused-declaration

PREFIX = "cfg"


class Settings:
    global PREFIX
    name = PREFIX + ".settings"


def scenario_name():
    return Settings.name
