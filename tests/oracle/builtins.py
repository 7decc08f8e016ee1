"""Prints the names of the `builtins` module, one per line: the names a global lookup falls back
to. Run by tests/oracle/regenerate-builtins under each CPython version; its output is committed
as server/analysis/builtins/<version>.txt and checked against the native 3.11 by a test."""

import builtins
import sys

for name in sorted(dir(builtins)):
    # Pyodide's own helper (`___EvalCodeResultException`), absent from a native CPython.
    if sys.platform == "emscripten" and name.startswith("___"):
        continue
    print(name)
