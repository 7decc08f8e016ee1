# fixes: cs_method.py
# code: class-scope
"""A method reads a name bound in its class body: class scope is invisible to methods."""
# topic: class-scope


class Config:
    default = 3

    def get(self):
        return self.default


def scenario_get():
    return Config().get()
