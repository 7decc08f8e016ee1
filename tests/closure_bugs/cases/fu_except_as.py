"""The closure reads `err`, bound only by `except ... as err`, which is deleted after the handler."""
# topic: free-unbound


def capture():
    try:
        raise ValueError("boom")
    except ValueError as err:
        describe = lambda: "caught " + str(err)
    return describe


def scenario_describe_later():
    return capture()()
