from __future__ import annotations


async def g(f):
    x: (await f) = 2
