"""A closure passed to a same-file function whose body only calls that parameter."""
# topic: late-binding


def call_now(fn):
    return fn()


def run(values):
    out = []
    for v in values:
        out.append(call_now(lambda: v + 1))
    return out


def scenario_run():
    return run([1, 2, 3])
