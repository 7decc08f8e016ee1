class C:
    def f(self, x, y):
        return {__p for __p in x if (__p := y)}
