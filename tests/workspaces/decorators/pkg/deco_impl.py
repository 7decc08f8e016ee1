import functools


def timed(label='t', repeat=1):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for _ in range(repeat):
                result = fn(*args, **kwargs)
            return label, result

        return wrapper

    return decorator
