class Base[T]:
    pass


class C[T](Base[(z := int)]):
    pass
