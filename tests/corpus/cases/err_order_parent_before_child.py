def outer():
    def inner():
        nonlocal a  # a child's error, earlier in the source ...

    nonlocal b  # ... but outer's own names are analysed before its children
