def handler():
    try:
        pass
    except* ValueError as group:
        pass
    except* (TypeError, KeyError) as other:
        pass
    return lambda: (group, other)


try:
    pass
except* OSError as module_group:
    pass
