import functools


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


@logged
def greet(name):
    return f"hello {name}"


def with_prefix(prefix):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return prefix + fn(*args, **kwargs)

        return wrapper

    return decorator
