"""A staticmethod reads a class-level name (the fix is `Units.unit`)."""
# topic: class-scope


class Units:
    unit = "cm"

    @staticmethod
    def describe(n):
        return "%d %s" % (n, unit)


def scenario_describe():
    return Units.describe(3)
