"""A generator expression reads `scale`, deleted before the generator is consumed."""
# topic: free-unbound


def scaled(data):
    scale = 10
    gen = (x * scale for x in data)
    del scale
    return list(gen)


def scenario_scaled():
    return scaled([1, 2])
