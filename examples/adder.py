def make_adder(n):
    def add(x):
        return x + n

    return add


add_five = make_adder(5)
add_ten = make_adder(10)
