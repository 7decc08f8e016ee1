def f(rows):
    return [x for row in rows for x in (y := row)]
