"""A generic counter (3.12+) assigns the enclosing variable without `nonlocal`: UnboundLocalError."""
# topic: unbound-local
# python: 3.12+


def make_counter():
    count = 0
    def bump[T](by: T) -> T:
        count += by
        return count
    return bump


def scenario_bump():
    return make_counter()(1)
