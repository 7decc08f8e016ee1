async def outer():
    def inner():
        await something()
