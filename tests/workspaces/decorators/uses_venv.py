import fancy


@fancy.traced
def handler(event):
    return event
