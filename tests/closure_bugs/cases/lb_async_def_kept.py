"""`async def` handlers stored in a loop, awaited later from another coroutine."""
# topic: late-binding


def drive(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


def make_handlers(codes):
    handlers = {}
    for code in codes:
        async def handle():
            return code * 10
        handlers[code] = handle
    return handlers


async def dispatch(handlers):
    return [await handlers[c]() for c in sorted(handlers)]


def scenario_dispatch():
    return drive(dispatch(make_handlers([1, 2, 3])))
