


"""Docstring on line 4."""
z: int
