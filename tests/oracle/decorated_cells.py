"""Records what each decorated name of a fixture workspace becomes, as CPython computes it.

Usage: python3 tests/oracle/decorated_cells.py WORKSPACE > decorated.json

The workspace's modules are imported (they are our fixtures, never user code) with `sys.path` as
the language server searches it: the folder, its `src/`, and `.venv`'s site-packages. For each
module-level `def`/`class` with decorators, the record holds the `def` line, the resulting
object's kind and `__qualname__`, and for a function its `__closure__`: `co_freevars` with each
cell's contents, written as closure-lens writes values (`function CO_QUALNAME`, `class
QUALNAME`, else `repr()`), and whether `functools.wraps` set `__wrapped__`.
"""

import ast
import glob
import importlib
import json
import os
import sys


def describe(value):
    if isinstance(value, type):
        return "class " + value.__qualname__
    code = getattr(value, "__code__", None)
    if code is not None:
        # The code's own name: `functools.wraps` copies `__qualname__` onto the wrapper.
        return "function " + code.co_qualname
    return repr(value)


def main():
    sys.dont_write_bytecode = True
    root = os.path.abspath(sys.argv[1])
    sys.path[:0] = [root, os.path.join(root, "src")] + sorted(
        glob.glob(os.path.join(root, ".venv", "lib", "python3*", "site-packages"))
    )
    out = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "*.py"), recursive=True)):
        relative = os.path.relpath(path, root)
        if relative.startswith((".venv", "src")):
            continue
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        decorated = [
            node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.decorator_list
        ]
        if not decorated:
            continue
        parts = relative[: -len(".py")].split(os.sep)
        if parts[-1] == "__init__":
            parts.pop()
        module = importlib.import_module(".".join(parts))
        records = []
        for node in decorated:
            value = getattr(module, node.name)
            record = {"name": node.name, "line": node.lineno, "becomes": describe(value)}
            code = getattr(value, "__code__", None)
            if code is not None:
                cells = value.__closure__ or ()
                record["cells"] = [
                    [name, describe(cell.cell_contents)]
                    for name, cell in zip(code.co_freevars, cells)
                ]
                record["wraps"] = hasattr(value, "__wrapped__")
            records.append(record)
        out[relative.replace(os.sep, "/")] = records
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
