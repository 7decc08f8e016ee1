def f():
    s = "😀 日本語"; x = 1; global x
