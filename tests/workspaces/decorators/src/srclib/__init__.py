def prefixed(prefix):
    def decorator(fn):
        def wrapper(name):
            return prefix + fn(name)

        return wrapper

    return decorator
