"""Generic functions (3.12+) made in a function's loop keep the loop variable's cell: late binding."""
# topic: late-binding
# python: 3.12+


def make_parsers(kinds):
    parsers = {}
    for kind in kinds:
        def parse[T](raw: T) -> str:
            return f"{kind}:{raw}"
        parsers[kind] = parse
    return parsers


def scenario_parse():
    parsers = make_parsers(["int", "str"])
    return parsers["int"]("1"), parsers["str"]("a")
