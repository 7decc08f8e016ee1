class Animal:
    def speak(self):
        return "..."


class Dog(Animal):
    def speak(self):
        base = super().speak()
        return base + " woof"

    def __init__(self, name):
        super().__init__()
        self.name = name
