"""A module-level loop defining functions that read the module global the loop rebinds."""
# topic: late-binding

HANDLERS = {}
for event in ["open", "close"]:
    def handler():
        return "handled " + event
    HANDLERS[event] = handler


def scenario_dispatch():
    return [HANDLERS["open"](), HANDLERS["close"]()]
