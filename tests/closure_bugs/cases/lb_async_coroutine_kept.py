"""An `async def` made in a loop, called there, and its coroutine kept and run after the loop."""
# topic: late-binding


def drive(coro):
    """Runs a coroutine that never really suspends (no event loop needed)."""
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


def make_greetings(users):
    pending = []
    for user in users:
        async def greet():
            return "hi " + user
        pending.append(greet())
    return pending


def scenario_run_after_loop():
    return [drive(coro) for coro in make_greetings(["ann", "bob", "cy"])]
