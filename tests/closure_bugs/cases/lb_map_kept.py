"""`map` is lazy: a kept `map(lambda ...)` calls the lambda only when consumed, after the loop."""
# topic: late-binding


def scaled_views(data, factors):
    views = []
    for k in factors:
        views.append(map(lambda x: x * k, data))
    return views


def scenario_consume_after_loop():
    return [list(view) for view in scaled_views([1, 2], [1, 10, 100])]
