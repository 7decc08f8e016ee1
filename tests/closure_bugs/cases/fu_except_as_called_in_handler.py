"""The closure over `err` runs inside the handler, while `err` is still bound."""
# topic: free-unbound


def capture():
    try:
        raise ValueError("boom")
    except ValueError as err:
        describe = lambda: "caught " + str(err)
        return describe()


def scenario_capture():
    return capture()
