"""Decorators kept in a module of their own, as real projects do."""

import functools
import time


def retry(times, delay=0.1):
    def decorator(fn):
        def wrapper(*args, **kwargs):
            for _ in range(times):
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    time.sleep(delay)
            return None

        return wrapper

    return decorator


def memoize(fn):
    cache = {}

    @functools.wraps(fn)
    def wrapper(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]

    return wrapper


REGISTRY = []


def register(fn):
    REGISTRY.append(fn)
    return fn


def tag(*labels, **extra):
    def decorator(fn):
        def wrapper():
            return labels, extra, fn()

        return wrapper

    return decorator
