"""A lambda made in a loop and passed to a library function that calls it at once (`re.sub`)."""
# topic: late-binding
import re


def tag_all(text, prefixes):
    out = []
    for prefix in prefixes:
        out.append(re.sub(r"\w+", lambda m: prefix + m.group(), text))
    return out


def scenario_tag():
    return tag_all("a b", ["#", "@"])
