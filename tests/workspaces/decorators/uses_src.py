from srclib import prefixed


@prefixed('>> ')
def greet(name):
    return name
