import os

x = 1; nonlocal x
