import os

nonlocal x
