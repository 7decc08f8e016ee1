"""A module-level loop whose lambdas are called in the iteration that made them."""
# topic: late-binding

RESULTS = []
for n in range(3):
    square = lambda: n * n
    RESULTS.append(square())


def scenario_results():
    return RESULTS
