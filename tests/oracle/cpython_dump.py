#!/usr/bin/env python3
"""Dump what CPython itself computes about scopes and closures, as closure-lens's oracle.

Dependency-free; runs on CPython 3.11-3.14, natively or inside pyodide.

    python3 tests/oracle/cpython_dump.py PATH...          # JSON Lines on stdout, one object per file
    python3 tests/oracle/cpython_dump.py --stdlib         # every .py of this interpreter's stdlib
    python3 tests/oracle/cpython_dump.py --out-dir DIR PATH...   # DIR/<stem>.json, pretty-printed
    python3 tests/oracle/cpython_dump.py --output F --files-from LIST   # JSON Lines into F

Each object (see `dump_source`) has the shape of `closure-lens check --output-format json-lines`, computed from
`symtable.symtable()` (scopes and their names) and from `compile()` (code objects: co_qualname,
co_firstlineno, co_freevars, co_cellvars), plus:

  "code":     every code object, pre-order over co_consts, module first (null if compile() failed)
  "rejected": the parse error message when ast.parse() rejects the file (else null); nothing else
              is meaningful then
  "compile_error": a SyntaxError raised by compile() but not by symtable() (e.g. "cannot assign to
              __debug__" before 3.14), else null
  "encoding": the source encoding CPython used (tokenize.detect_encoding), e.g. "utf-8", "koi8-r"
  "future_annotations": whether the module says `from __future__ import annotations` (3.14 then
              emits `__annotate__` code objects that have no symtable scope)
  "closure_names": per scope, the names CPython's compiler puts in the code object's co_freevars
              (symtable scope FREE or flag DEF_FREE_CLASS), sorted; known also for scopes whose
              code object the compiler eliminated as dead code
  "flags":    per scope, the raw symtable flags of every name (for debugging; not compared)
"""

import ast
import io
import json
import os
import re
import sys
import symtable
import tokenize
import types
import warnings

try:
    import _symtable
except ImportError:  # pragma: no cover
    _symtable = None

VERSION = "%d.%d" % sys.version_info[:2]

SCOPE_OFF = getattr(_symtable, "SCOPE_OFF", 11 if sys.version_info < (3, 12) else 12)
SCOPE_MASK = getattr(_symtable, "SCOPE_MASK", 7)
LOCAL, GLOBAL_EXPLICIT, GLOBAL_IMPLICIT, FREE, CELL = 1, 2, 3, 4, 5
DEF_GLOBAL = 1
DEF_LOCAL = 2
DEF_PARAM = 4
DEF_NONLOCAL = 8
USE = 16
DEF_FREE_CLASS = 64
DEF_IMPORT = 128
DEF_ANNOT = 256
DEF_COMP_ITER = 512  # exported by _symtable only from 3.14
DEF_TYPE_PARAM = 1024
DEF_COMP_CELL = 2048
FLAG_MASK = (1 << SCOPE_OFF) - 1

# Names whose cells are created implicitly by a class (or, for __conditional_annotations__, by a
# class or the module) rather than by a binding.
# The cells the compiler gives a class (the last also a module) that its symbol table does not
# list; before 3.12 `__classdict__`, before 3.14 `__conditional_annotations__` are plain names.
IMPLICIT_CELLS = (
    ("__class__",)
    + (("__classdict__",) if sys.version_info >= (3, 12) else ())
    + (("__conditional_annotations__",) if sys.version_info >= (3, 14) else ())
)

_KINDS = {
    "module": "module",
    "class": "class",
    "function": "function",
    "annotation": "annotation",
    "TypeVar bound": "type_var",
    "type variable": "type_var",
    "type alias": "type_alias",
    "type parameters": "type_params",
    "type parameter": "type_params",
}
_COMPREHENSIONS = ("listcomp", "setcomp", "dictcomp", "genexpr")

_NEWLINE = re.compile(r"\r\n|\r|\n")


def _kind(table):
    t = table.get_type()
    t = getattr(t, "value", t)  # 3.13+: SymbolTableType StrEnum
    kind = _KINDS.get(str(t), str(t))
    if kind == "function":
        name = table.get_name()
        if name == "lambda":
            return "lambda"
        # A def may be named "listcomp"; only comprehensions have the implicit parameter `.0`.
        if name in _COMPREHENSIONS and table._table.symbols.get(".0", 0) & FLAG_MASK & DEF_PARAM:
            return name
    return kind


# Whether SyntaxError offsets raised by symtable()/compile() are UTF-8 byte offsets (True) or
# character offsets (False). Determined empirically, once, on this interpreter (see
# `_offsets_are_bytes`): CPython 3.11-3.14 report byte offsets for symtable errors, while the
# parser's own errors are already converted to characters.
_BYTE_OFFSETS = None


def _offsets_are_bytes():
    global _BYTE_OFFSETS
    if _BYTE_OFFSETS is None:
        # 'é' is 1 character but 2 UTF-8 bytes; the error is at the `nonlocal` statement, which
        # starts at character column 14 (1-based) and byte column 17.
        probe = "def f():\n    ééé = 1; nonlocal ééé\n"
        try:
            symtable.symtable(probe, "<probe>", "exec")
        except SyntaxError as e:
            _BYTE_OFFSETS = e.offset == 17
        else:  # pragma: no cover
            raise AssertionError("symtable did not reject the probe")
    return _BYTE_OFFSETS


def _lines(source):
    return _NEWLINE.split(source)


def _char_column(lines, lineno, offset):
    """1-based byte offset on line `lineno` (1-based) -> 1-based character offset."""
    if offset is None or lineno is None or offset <= 0 or not (1 <= lineno <= len(lines)):
        return offset
    raw = lines[lineno - 1].encode("utf-8", "surrogatepass")
    return len(raw[: offset - 1].decode("utf-8", "replace")) + 1


def _error(e, source):
    line, col = e.lineno, e.offset
    end_line, end_col = getattr(e, "end_lineno", None), getattr(e, "end_offset", None)
    if _offsets_are_bytes():
        lines = _lines(source)
        col = _char_column(lines, line, col)
        end_col = _char_column(lines, end_line, end_col)
    return {
        "message": e.msg,
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
    }


def _walk_tables(top):
    """Pre-order list of (table, parent_index)."""
    out = []

    def visit(t, parent):
        idx = len(out)
        out.append((t, parent))
        for c in t.get_children():
            visit(c, idx)

    visit(top, None)
    return out


def _scopes(top):
    tables = _walk_tables(top)
    scopes = []
    for idx, (t, parent) in enumerate(tables):
        raw = t._table.symbols  # name -> flags, in insertion order
        kind = _kind(t)

        def names(pred):
            # Flag bits live below SCOPE_OFF; on 3.11 DEF_COMP_CELL (2048) would alias the scope.
            return sorted(
                n for n, f in raw.items() if pred((f >> SCOPE_OFF) & SCOPE_MASK, f & FLAG_MASK)
            )

        scopes.append(
            {
                "id": idx,
                "parent": parent,
                "kind": kind,
                "name": t.get_name(),
                "line": t.get_lineno(),
                "params": [n for n, f in raw.items() if f & FLAG_MASK & DEF_PARAM],
                "locals": names(lambda s, f: s in (LOCAL, CELL)),
                "cells": names(lambda s, f: s == CELL or f & DEF_COMP_CELL),
                "free": names(lambda s, f: s == FREE),
                "globals_explicit": names(lambda s, f: s == GLOBAL_EXPLICIT),
                "globals_implicit": names(lambda s, f: s == GLOBAL_IMPLICIT),
                "nonlocals": names(lambda s, f: f & DEF_NONLOCAL),
                "pass_through": names(lambda s, f: s == FREE and (f & FLAG_MASK) == 0),
                "captured_by": {},
                "captures_from": {},
                # Sorted: names added by pass 2 (pass-through frees) come from a set, so their
                # insertion order depends on string hashing and differs from run to run.
                "flags": dict(sorted(raw.items())),
            }
        )

    def is_cell(scope, name):
        f = scope["flags"].get(name)
        return f is not None and (
            ((f >> SCOPE_OFF) & SCOPE_MASK) == CELL or (f & FLAG_MASK & DEF_COMP_CELL) != 0
        )

    def is_local(scope, name):
        f = scope["flags"].get(name)
        return f is not None and ((f >> SCOPE_OFF) & SCOPE_MASK) == LOCAL

    for s in scopes:
        # Every name of the code object's co_freevars: the free names, and those the scope binds
        # itself while a nested scope captures the enclosing variable (DEF_FREE_CLASS).
        in_closure = sorted(
            n
            for n, f in s["flags"].items()
            if ((f >> SCOPE_OFF) & SCOPE_MASK) == FREE or f & FLAG_MASK & DEF_FREE_CLASS
        )
        s["closure_names"] = in_closure
        for name in in_closure:
            owner = None
            p = s["parent"]
            while p is not None:
                ps = scopes[p]
                if is_cell(ps, name):
                    owner = p
                    break
                if name in IMPLICIT_CELLS and (
                    ps["kind"] == "class"
                    or (name == "__conditional_annotations__" and ps["kind"] == "module")
                ):
                    owner = p
                    break
                # A scope binding the name (not a class) is where it resolves: a 3.12+ inlined
                # comprehension reads its parent's local there, which no cell holds.
                if ps["kind"] != "class" and is_local(ps, name):
                    break
                p = ps["parent"]
            s["captures_from"][name] = owner
    for s in scopes:
        for name in s["cells"]:
            s["captured_by"][name] = []
    for s in scopes:
        for name, owner in s["captures_from"].items():
            if owner is not None:
                scopes[owner]["captured_by"].setdefault(name, []).append(s["id"])
    for s in scopes:
        s["captured_by"] = {k: sorted(v) for k, v in sorted(s["captured_by"].items())}
        s["captures_from"] = dict(sorted(s["captures_from"].items()))
    return scopes


def _code_objects(module_code):
    out = []

    def visit(co):
        out.append(
            {
                "qualname": getattr(co, "co_qualname", co.co_name),
                "name": co.co_name,
                "firstlineno": co.co_firstlineno,
                "freevars": list(co.co_freevars),
                "cellvars": list(co.co_cellvars),
            }
        )
        for c in co.co_consts:
            if isinstance(c, types.CodeType):
                visit(c)

    visit(module_code)
    return out


def dump_source(path, source):
    """Everything CPython says about `source` (a str), reported under the name `path`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning etc. from compile()
        return _dump_source(path, source)


_FUTURE_ERRORS = {
    "not a chance",
    "from __future__ imports must occur at the beginning of the file",
}


def _dump_source(path, source):
    result = {
        "path": path,
        "python_version": VERSION,
        "cpython": sys.version.split()[0],
        "rejected": None,
        "compile_error": None,
        "errors": [],
        "scopes": [],
        "code": None,
    }
    # 1. Parse errors (the file is not valid Python for this version).
    try:
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        msg = getattr(e, "msg", None) or str(e)
        if isinstance(e, SyntaxError):
            msg = "%s (line %s)" % (msg, e.lineno)
        result["rejected"] = msg
        return result
    result["future_annotations"] = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(a.name == "annotations" for a in node.names)
        for node in tree.body
    )
    # 2. The symbol table.
    try:
        top = symtable.symtable(source, path, "exec")
    except SyntaxError as e:
        if e.msg in _FUTURE_ERRORS or e.msg.startswith("future feature "):
            # Raised by the __future__ check that runs before the symbol table is built
            # (Python/future.c), not by the symbol table: the file is rejected before analysis.
            result["rejected"] = "%s (line %s, __future__ check)" % (e.msg, e.lineno)
            return result
        result["errors"].append(_error(e, source))
        return result
    result["scopes"] = _scopes(top)
    # 3. Code objects.
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        result["compile_error"] = _error(e, source)
    else:
        result["code"] = _code_objects(code)
    return result


def read_source(path):
    """(text, encoding): the file decoded as CPython decodes it (BOM, coding cookie, else UTF-8);
    text is None when that fails."""
    with open(path, "rb") as f:
        data = f.read()
    encoding = None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None, encoding


def dump_path(path):
    source, encoding = read_source(path)
    if source is not None:
        result = dump_source(path, source)
        result["encoding"] = encoding
        return result
    else:
        return {
            "encoding": encoding,
            "path": path,
            "python_version": VERSION,
            "cpython": sys.version.split()[0],
            "rejected": "cannot decode the file",
            "compile_error": None,
            "errors": [],
            "scopes": [],
            "code": None,
        }


def stdlib_files():
    import sysconfig

    root = sysconfig.get_paths()["stdlib"]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "dist-packages", "__pycache__"))
        for fn in filenames:
            if fn.endswith(".py"):
                files.append(os.path.join(dirpath, fn))
    return sorted(files)


def _dump_line(path):
    return json.dumps(dump_path(path), ensure_ascii=True)


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stdlib", action="store_true", help="dump every .py file of the stdlib (absolute paths)")
    ap.add_argument("--list-stdlib", action="store_true", help="only print the stdlib file list")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (default: CPU count; 1 in pyodide)")
    ap.add_argument("--out-dir", help="write DIR/<file stem>.json (pretty) instead of JSON Lines")
    ap.add_argument("--output", help="write the JSON Lines to this file instead of stdout")
    ap.add_argument("--files-from", help="read the paths, one a line, from this file")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args(argv)

    if args.list_stdlib:
        for p in stdlib_files():
            print(p)
        return 0
    if args.files_from:
        with open(args.files_from, encoding="utf-8") as f:
            args.paths += [line.rstrip("\n") for line in f if line.strip()]
    paths = stdlib_files() if args.stdlib else sorted(args.paths)
    if not paths:
        ap.error("give PATH... or --stdlib")

    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        for p in paths:
            stem = os.path.splitext(os.path.basename(p))[0]
            with open(os.path.join(args.out_dir, stem + ".json"), "w", encoding="utf-8") as f:
                json.dump(dump_path(p), f, indent=2, ensure_ascii=False)
                f.write("\n")
        return 0

    jobs = args.jobs or (os.cpu_count() or 1)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    if jobs > 1 and len(paths) > 1 and sys.platform != "emscripten":
        import multiprocessing

        _offsets_are_bytes()
        with multiprocessing.Pool(jobs) as pool:
            for line in pool.imap(_dump_line, paths, chunksize=8):
                out.write(line + "\n")
    else:
        for p in paths:
            out.write(_dump_line(p) + "\n")
    out.flush()
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
