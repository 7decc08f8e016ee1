# fixes: cs_staticmethod.py
# code: class-scope
"""A staticmethod reads a class-level name (the fix is `Units.unit`)."""
# topic: class-scope


class Units:
    unit = "cm"

    @staticmethod
    def describe(n):
        return "%d %s" % (n, Units.unit)


def scenario_describe():
    return Units.describe(3)
