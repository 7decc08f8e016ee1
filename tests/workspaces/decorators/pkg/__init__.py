from .deco_impl import timed as timed
