"""The handler copies the exception into another name, which the closure reads."""
# topic: free-unbound


def capture():
    try:
        raise ValueError("boom")
    except ValueError as err:
        saved = err
    return lambda: "caught " + str(saved)


def scenario_describe_later():
    return capture()()
