# Source shapes tree-sitter-python parses unusually.
def retag(mock, sig):
    type(mock)._mock_check_sig = sig
    type(mock).__signature__ = sig
    return mock


def unbound_annotation():
    (no_such_global): int
    print(no_such_global)


def create_closure(__class__):
    return (lambda: __class__).__closure__


def listcomp():
    return [x for x in range(3)]


def genexpr():
    return (x for x in range(3))
