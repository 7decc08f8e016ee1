import functools


def deco(*args):
    return lambda f: f


@deco(
    1,
)
@functools.cache
def annotated(x: int) -> int:  # 3.14: __annotate__ starts at the def line, not the decorator's
    return x


@deco()
class Annotated:
    attr: int

    @staticmethod
    @deco()
    def method(y: str) -> str:
        return y

    @deco()
    def unannotated(self):
        pass


def outer():
    Local = int

    @deco()
    async def coroutine(z: Local) -> Local:
        return z

    return coroutine
