"""The captured name is assigned in the loop body (not the loop target)."""
# topic: late-binding


def greeters(people):
    out = []
    for person in people:
        greeting = "hello " + person
        out.append(lambda: greeting)
    return out


def scenario_greet():
    return [g() for g in greeters(["ann", "bob"])]
