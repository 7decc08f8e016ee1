@staticmethod
@staticmethod
def f():
    pass


x: int = 1
