import sys

if sys.platform:
    cond: int = 1
else:
    other: str

try:
    guarded: float
except Exception:
    pass


class C:
    always: int
    if sys.platform:
        sometimes: str
    for _ in range(1):
        looped: bytes
