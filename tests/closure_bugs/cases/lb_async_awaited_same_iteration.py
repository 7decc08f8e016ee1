"""A coroutine made in an `async for`-style loop and awaited in the same iteration."""
# topic: late-binding


def drive(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


async def fetch_all(urls):
    out = []
    for url in urls:
        async def fetch():
            return "got " + url
        out.append(await fetch())
    return out


def scenario_fetch():
    return drive(fetch_all(["a", "b"]))
