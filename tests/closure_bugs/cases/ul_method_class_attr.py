"""A method does `count += 1` where only the class body binds `count`.

UnboundLocalError, but the class scope is not visible to the method, so `nonlocal count` would be
a SyntaxError: not the `unbound-local` code (the fix is `self.count` / `Tally.count`).
"""
# topic: unbound-local


class Tally:
    count = 0

    def add(self):
        count += 1
        return count


def scenario_add():
    return Tally().add()
