"""Methods read class-level names through `self` and the class: fine."""
# topic: class-scope


class Config:
    default = 3

    def get(self):
        return self.default

    def get_class(self):
        return Config.default


def scenario_get():
    c = Config()
    return [c.get(), c.get_class()]
