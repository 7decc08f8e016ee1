def factory():
    shared = 1

    class A:
        class B:
            def m(self):
                return shared

            class C:
                def n(self):
                    return super()

        def o(self):
            class Local:
                def p(self):
                    return shared, self

            return Local

    return A
