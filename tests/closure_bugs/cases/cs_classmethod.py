"""A classmethod reads a class-level name without `cls.`."""
# topic: class-scope


class Account:
    currency = "EUR"

    @classmethod
    def label(cls):
        return "amounts in " + currency


def scenario_label():
    return Account.label()
