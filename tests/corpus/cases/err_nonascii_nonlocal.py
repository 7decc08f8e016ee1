def outer():
    ééé = 1

    def inner():
        ééé = 2; nonlocal ééé
