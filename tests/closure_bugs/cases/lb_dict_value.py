"""Closures stored as dict values keyed by the loop variable."""
# topic: late-binding


def make_commands(names):
    commands = {}
    for name in names:
        commands[name] = lambda: "run " + name
    return commands


def scenario_run():
    commands = make_commands(["build", "test", "deploy"])
    return [commands[key]() for key in ["build", "test", "deploy"]]
