"""A closure assigned to an attribute of an object that outlives the loop."""
# topic: late-binding


class Button:
    on_click = None


def wire(buttons):
    for index, button in enumerate(buttons):
        button.on_click = lambda: "button %d" % index


def scenario_click():
    buttons = [Button(), Button(), Button()]
    wire(buttons)
    return [button.on_click() for button in buttons]
