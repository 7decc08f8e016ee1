"""A class made in a loop: its method reads the loop variable through the class body."""
# topic: late-binding


def make_plugins(levels):
    plugins = []
    for level in levels:
        class Plugin:
            def describe(self):
                return "plugin at level %d" % level
        plugins.append(Plugin)
    return plugins


def scenario_describe():
    return [cls().describe() for cls in make_plugins([1, 2])]
