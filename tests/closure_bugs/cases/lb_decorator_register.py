"""Functions registered by a decorator inside a loop (the decorator stores them)."""
# topic: late-binding

ROUTES = {}


def route(path):
    def register(fn):
        ROUTES[path] = fn
        return fn
    return register


def build_pages(names):
    for name in names:
        @route("/" + name)
        def page():
            return "page " + name


def scenario_serve():
    ROUTES.clear()
    build_pages(["home", "about"])
    return [ROUTES["/home"](), ROUTES["/about"]()]
