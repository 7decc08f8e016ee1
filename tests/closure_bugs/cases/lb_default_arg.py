"""Default arguments bind the value per iteration (`lambda i=i:`)."""
# topic: late-binding


def makers(count):
    return [lambda i=i: i * 10 for i in range(count)]


def handlers(names):
    out = []
    for name in names:
        out.append(lambda name=name: "run " + name)
    return out


def scenario_make():
    return [m() for m in makers(3)] + [h() for h in handlers(["a", "b"])]
