from decos import memoize, retry, tag
import decos


@retry(3, delay=0.5)
def fetch(url):
    return url


@memoize
def square(n):
    return n * n


@decos.register
@retry(2)
@memoize
def stacked(x):
    return x


@tag('a', 'b', level=2)
def tagged():
    return 1
