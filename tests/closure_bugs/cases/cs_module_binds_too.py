"""The module binds `limit` too: the method reads the module's `limit` (no NameError)."""
# topic: class-scope

limit = 100


class Checker:
    limit = 5

    def check(self, v):
        return v < limit


def scenario_check():
    return Checker().check(50)
