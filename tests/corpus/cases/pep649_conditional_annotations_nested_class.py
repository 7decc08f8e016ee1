class Outer:
    class Inner:
        if DEBUG:
            level: int

    name: str = "outer"


def make(x):
    class Local:
        if x:
            flag: bool
        value: x = 1

    return Local
