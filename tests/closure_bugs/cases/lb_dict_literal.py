"""A closure inside a dict literal that is appended (a value of a stored container)."""
# topic: late-binding


def make_rows(keys):
    rows = []
    for key in keys:
        rows.append({"key": key, "describe": lambda: key.upper()})
    return rows


def scenario_describe():
    return [(row["key"], row["describe"]()) for row in make_rows(["x", "y"])]
