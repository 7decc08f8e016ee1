class K:
    z = (lambda i={i for a in p}: 0)
    w = [lambda: (g, i) for g in q for i in r]
