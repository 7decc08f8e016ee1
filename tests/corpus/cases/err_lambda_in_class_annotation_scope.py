class C[T]:
    type Alias = (lambda: T)
    type Listed = [x for x in T]
