"""A generic method (3.12+) reads a class-body name directly: the class scope is invisible, NameError."""
# topic: class-scope
# python: 3.12+


class Settings:
    default = 3

    def get[T](self, fallback: T):
        return default if fallback is None else fallback


def scenario_get():
    return Settings().get(None)
