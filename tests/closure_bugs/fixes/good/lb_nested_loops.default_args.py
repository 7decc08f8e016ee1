# fixes: lb_nested_loops.py
# code: late-binding
"""Nested loops: the closure captures both loop variables."""
# topic: late-binding


def grid(rows, cols):
    cells = []
    for r in range(rows):
        for c in range(cols):
            cells.append(lambda r=r, c=c: (r, c))
    return cells


def scenario_cells():
    return [cell() for cell in grid(2, 2)]
