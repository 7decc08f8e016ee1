"""`contextlib.suppress` swallows the exception: the assignment in its body may not have run."""
# topic: unbound-local
from contextlib import suppress

total = "module total"


def parse(text):
    with suppress(ValueError):
        total = int(text)
    return total


def scenario_parse_bad():
    return parse("not a number")
