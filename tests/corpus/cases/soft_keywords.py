def f(m, p):
    type(m).foo = p  # a call, not a type alias statement
    match = 1
    case = 2
    _ = 3
    type = 4
    return lambda: (match, case, _, type)


def g(x):
    match(x)
    match [x]:
        case [type]:
            return lambda: type
    return None
