x: int

def f():
    x: int
    global x
