from . import timed
from .deco_impl import timed as direct


@timed('load', repeat=2)
def load():
    return 1


@direct()
def save():
    return 2
