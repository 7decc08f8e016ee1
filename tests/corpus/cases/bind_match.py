import enum


class Color(enum.Enum):
    RED = 1


def m(subject):
    match subject:
        case [first, *rest]:
            pass
        case {"k": v, **kw}:
            pass
        case (1 | 2) as alt:
            pass
        case Color.RED:
            pass
        case Point(x=px, y=py) if px > 0:
            pass
        case [*_]:
            pass
        case other:
            pass
    return lambda: (first, rest, v, kw, alt, px, py, other)


match 1:
    case {"a": [ma, *mb], **mc} as md:
        pass
