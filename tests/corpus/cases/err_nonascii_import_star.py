def fünction():
    "ünïcode"; from os import *
