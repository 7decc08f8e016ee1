# fixes: cs_listcomp.py
# code: class-scope
"""A list comprehension in a class body reads a class-level name in its element."""
# topic: class-scope


def build():
    class Grid:
        size = 3
        cells = [(row, Grid.size) for row in range(2)]
    return Grid.cells


def scenario_build():
    return build()
