# fixes: ul_augassign.py
# code: unbound-local
"""`count += 1` in a nested function without `nonlocal`: UnboundLocalError."""
# topic: unbound-local


def make_counter():
    count = 0

    def increment():
        global count
        count += 1
        return count

    return increment


def scenario_increment():
    return make_counter()()
