"""A decorator expression is evaluated in the class body, where class names are visible."""
# topic: class-scope


def tagged(label):
    def wrap(fn):
        fn.label = label
        return fn
    return wrap


class Handlers:
    kind = "http"

    @tagged(kind)
    def handle(self):
        return self.handle.label


def scenario_handle():
    return Handlers().handle()
