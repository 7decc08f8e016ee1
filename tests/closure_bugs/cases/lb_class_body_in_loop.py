"""A class body runs at once: `level = level` copies the value per iteration."""
# topic: late-binding


def make_configs(levels):
    out = []
    for level in levels:
        class Config:
            value = level

            def describe(self):
                return "level %d" % self.value
        out.append(Config)
    return out


def scenario_describe():
    return [cls().describe() for cls in make_configs([1, 2])]
