"""`global json` bound by an `import` inside the function: needed."""
# topic: unused-declaration

json = None


def load_json():
    global json
    import json
    return json.dumps([1])


def scenario_load():
    return [load_json(), json is not None]
