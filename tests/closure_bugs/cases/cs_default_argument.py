"""A default value is evaluated in the class body, where `default` is visible."""
# topic: class-scope


class Config:
    default = 3

    def get(self, value=default):
        return value


def scenario_get():
    return Config().get()
