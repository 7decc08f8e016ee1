#! /usr/bin/env python3
# a comment before the first statement

import os

x: int = 1


class C:

    # comment
    y: str
