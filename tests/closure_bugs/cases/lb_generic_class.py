"""Generic classes (3.12+) made in a loop whose methods read the loop variable: late binding."""
# topic: late-binding
# python: 3.12+

kinds = []
for unit in ["m", "s"]:
    class Quantity[T]:
        def label(self, value: T) -> str:
            return f"{value}{unit}"
    kinds.append(Quantity)


def scenario_labels():
    return [k().label(1) for k in kinds]
