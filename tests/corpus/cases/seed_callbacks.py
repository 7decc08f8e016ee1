def register(button, handlers):
    clicks = []

    def on_click(event):
        clicks.append(event)
        for h in handlers:
            h(event, button)

    button.bind("click", on_click)
    button.bind("reset", lambda event: clicks.clear())
    return clicks
