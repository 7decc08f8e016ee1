import functools


def deco(*args):
    return lambda f: f


@deco(
    1,
    2,
)
@functools.lru_cache
def decorated(x):
    return lambda: x


@deco()
class Decorated:
    @staticmethod
    @deco()
    def method(y):
        return lambda: y

    @property
    def prop(self):
        return super()


def outer():
    z = 1

    @deco(lambda: z)
    async def coroutine():
        return z

    return coroutine
