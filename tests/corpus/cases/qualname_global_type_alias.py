def g(C):
    global A, B
    type A[T] = (lambda: C)
    type B = (lambda: C)
    return A, B
