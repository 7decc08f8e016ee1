"""A `while` loop whose test rebinds `line` with a walrus."""
# topic: late-binding


def readers(lines):
    it = iter(lines)
    out = []
    while (line := next(it, None)) is not None:
        out.append(lambda: line.strip())
    return out


def scenario_read():
    return [read() for read in readers([" a ", " b "])]
