data = [1, 2, 3]
squares = [(last := x * x) for x in data]
print(last)
gen = list((g := x) for x in data)
nested = [[(deep := y) for y in data] for x in data]
