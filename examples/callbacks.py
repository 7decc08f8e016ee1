class Button:
    def __init__(self, label):
        self.label = label
        self.handlers = []

    def on_click(self, handler):
        self.handlers.append(handler)


def build_toolbar(window):
    clicks = 0
    buttons = []

    def on_save():
        nonlocal clicks
        clicks += 1
        window.save()

    def on_close():
        window.close(reason=f"after {clicks} saves")

    for label, handler in [("Save", on_save), ("Close", on_close)]:
        button = Button(label)
        button.on_click(handler)
        buttons.append(button)
    return buttons
