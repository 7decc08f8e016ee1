def make_multipliers():
    # Each call of make_multiplier gets a fresh cell for `factor`.
    def make_multiplier(factor):
        return lambda x: x * factor

    return [make_multiplier(i) for i in range(3)]


def make_greeters(names):
    greeters = []
    for name in names:
        def greet(name=name):
            return f"hi {name}"

        greeters.append(greet)
    return greeters
