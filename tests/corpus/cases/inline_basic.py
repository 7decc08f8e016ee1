def f(data):
    a = [x for x in data]
    b = {x for x in data}
    c = {x: x for x in data}
    d = [x + y for x in data for y in data if x]
    return a, b, c, d


module_list = [x for x in range(3)]
module_dict = {k: v for k, v in {}.items()}


class C:
    attr = 1
    items = [i for i in range(3)]
    uses_attr = [attr for _ in range(1)]  # attr: global, not the class attribute
    first_iter = [i for i in range(attr)]  # the first iterable sees the class
