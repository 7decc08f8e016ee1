"""A module-level function (not made in the loop) reads the global the loop rebinds.

It is called inside the loop, and once after: reading the current global is what it is for.
"""
# topic: late-binding


def current():
    return "step %d" % step


LOG = []
for step in range(3):
    LOG.append(current())


def scenario_log():
    return LOG + [current()]
