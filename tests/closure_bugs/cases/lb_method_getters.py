"""A method builds getters over `self` and the loop variable; `self` is fine, `field` is not."""
# topic: late-binding


class Record:
    fields = ("name", "age")

    def __init__(self, name, age):
        self.name = name
        self.age = age
        self.getters = {}
        for field in self.fields:
            self.getters[field] = lambda: getattr(self, field)


def scenario_get():
    r = Record("ann", 7)
    return [r.getters["name"](), r.getters["age"]()]
