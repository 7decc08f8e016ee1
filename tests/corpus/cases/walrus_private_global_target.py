class D:
    def g(self, x):
        global __q
        return [(__q := v) for v in x], (lambda: __q)
