"""An `import json` inside one branch makes `json` local to the whole function."""
# topic: unbound-local
import json


def encode(value, pretty):
    if pretty:
        import json
        return json.dumps(value, indent=1)
    return json.dumps(value)


def scenario_compact():
    return encode([1, 2], False)
