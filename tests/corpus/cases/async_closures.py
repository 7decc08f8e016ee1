import asyncio


async def outer(items):
    total = 0

    async def inner():
        nonlocal total
        async for x in items:
            total += x
        async with items as ctx:
            pass
        return ctx

    results = [x async for x in items]
    gen = (y async for y in items)
    awaited = [await z for z in items]
    fns = [lambda: w async for w in items]
    await asyncio.sleep(0)
    return inner, results, gen, awaited, fns


def sync(items):
    async def agen():
        yield [v async for v in items]

    return agen
