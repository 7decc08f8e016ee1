#!/usr/bin/env python3
"""Label the closure-bug corpus by running it: the labels are what CPython does, never hand-written.

    python3 tests/closure_bugs/label.py                      # all cases -> labels/<version>/
    python3 tests/closure_bugs/label.py --out-dir DIR CASE.py ...
    python3 tests/closure_bugs/label.py --stdout CASE.py     # one case's labels on stdout

Dependency-free; CPython 3.11-3.14, natively or in pyodide (`regenerate` runs all four). For each
case, `observe.py` executes the module and its `scenario_*` functions under the tracer; this file
turns that observation into one JSON file: the outcomes, the raw observations, and `diagnostics`,
the codes of issue 8 that the behaviour shows:

* `late-binding` at a closure site: a function object made there read a variable (free variable
  or module global) holding another object than when that function object was made, the variable
  is not rebound on purpose by closures (`nonlocal`/`global` writes), and a loop or comprehension
  that repeats around the site rebinds that variable in the scope owning it (CPython's `ast`);
  `per_iteration` then gives each scenario's outcome with those variables bound per iteration
  (the closures see the values of their own iteration: what a correct fix must produce);
* `unbound-local`: an `UnboundLocalError` ("cannot access local variable 'x' ...") whose name an
  enclosing function, comprehension or the module binds (so `nonlocal`/`global` is the fix);
* `free-unbound`: a `NameError` "cannot access free variable 'x' ...";
* `class-scope`: a `NameError` "name 'y' is not defined" read in a function, lambda,
  comprehension or nested class of a class whose body binds `y`;
* `super-call`: a `RuntimeError`/`TypeError` raised by a zero-argument `super()`;
* `unused-declaration`, static (CPython's `symtable` and `compile`): a `nonlocal`/`global` name
  the scope never binds (symtable: not assigned, not imported) and whose removal leaves the
  compiled bytecode of the whole module identical (otherwise the declaration changes what nested
  scopes or the scope's own reads resolve to, and is listed with `"removable": false`).

A case may say `# topic: CODE` (what it is about, for the inventory), `# undecidable: REASON`
(the behaviour depends on something no static analysis can know; such cases are listed apart) and
`# python: 3.X+` (it uses syntax older versions cannot compile: they label it not runnable).
"""

import ast
import copy
import dis
import json
import os
import re
import sys
import symtable
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import observe as obs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
CODES = ("late-binding", "unbound-local", "free-unbound", "class-scope", "super-call", "unused-declaration")

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)
_SCOPES = _FUNCS + _COMPS + (ast.ClassDef, ast.Module)

_UNBOUND_LOCAL = re.compile(r"cannot access local variable '([^']+)' where it is not associated with a value")
_FREE_UNBOUND = re.compile(
    r"cannot access free variable '([^']+)' where it is not associated with a value( in enclosing scope)?"
)
_NOT_DEFINED = re.compile(r"name '([^']+)' is not defined")


# -- the ast as CPython's scopes see it ----------------------------------------------------------


class Tree:
    """Parent links, scope nodes and binding names of a case's ast."""

    def __init__(self, tree):
        self.tree = tree
        self.parent = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def path(self, node):
        """`node` and its ancestors, innermost first."""
        out = [node]
        while out[-1] in self.parent:
            out.append(self.parent[out[-1]])
        return out

    def innermost(self, line, column, types_=_SCOPES + (ast.expr, ast.stmt)):
        """The innermost node of `types_` whose span contains (line, 1-based column)."""
        best = None
        for node in ast.walk(self.tree):
            if not isinstance(node, types_) or isinstance(node, ast.Module):
                continue
            start = (node.lineno, node.col_offset + 1)
            end = (node.end_lineno, node.end_col_offset + 1)
            if start <= (line, column) < end:
                if best is None or (
                    start >= (best.lineno, best.col_offset + 1)
                    and end <= (best.end_lineno, best.end_col_offset + 1)
                ):
                    best = node
        return best

    def scopes_of(self, node):
        """The scopes in which `node` is evaluated, innermost first (CPython's rules: default
        values, decorators, annotations and a comprehension's first iterable belong to the
        enclosing scope)."""
        out = []
        path = self.path(node)
        for i, anc in enumerate(path[1:], 1):
            child = path[i - 1]
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if child in anc.body:
                    out.append(anc)
            elif isinstance(anc, ast.Lambda):
                if child is anc.body:
                    out.append(anc)
            elif isinstance(anc, ast.ClassDef):
                if child in anc.body:
                    out.append(anc)
            elif isinstance(anc, _COMPS):
                first = anc.generators[0]
                if not (child is first and i >= 2 and path[i - 2] is first.iter):
                    out.append(anc)
            elif isinstance(anc, ast.Module):
                out.append(anc)
        return out


def target_names(target):
    out = set()
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.MatchAs) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchStar) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
    return out


def bound_names(nodes):
    """Names that `nodes` bind in the scope they belong to (not in nested scopes), including
    walrus targets inside comprehensions, which bind in the enclosing function."""
    out = set()
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

    def visit(node, in_comprehension):
        if isinstance(node, ast.NamedExpr):
            out.update(target_names(node.target))
        elif in_comprehension:
            if isinstance(node, nested):
                return  # a walrus in there binds in that function
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            for decorator in node.decorator_list:
                visit(decorator, False)
            return
        elif isinstance(node, ast.Lambda):
            return
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        inside = in_comprehension or isinstance(node, _COMPS)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    for node in nodes:
        visit(node, False)
    return out


def scope_bindings(scope):
    """Names bound in a scope node itself (parameters included), minus global/nonlocal ones."""
    if isinstance(scope, ast.Module):
        return bound_names(scope.body)
    if isinstance(scope, _COMPS):
        names = set()
        for gen in scope.generators:
            names |= target_names(gen.target)
        return names
    if isinstance(scope, ast.Lambda):
        names = {a.arg for a in _all_args(scope.args)}
        return names | bound_names([scope.body])
    names = bound_names(scope.body)
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        names |= {a.arg for a in _all_args(scope.args)}
    declared = set()
    for node in _own_statements(scope.body):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    return names - declared


def _all_args(args):
    out = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
    if args.vararg:
        out.append(args.vararg)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def _own_statements(body):
    """Statements of a scope's body, not of nested scopes."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt) or isinstance(child, (ast.ExceptHandler, ast.match_case)):
                stack.append(child)


# -- late binding: which loop rebinds the stale variable ------------------------------------------


def _repeats(loop, path_below):
    """Whether the node at the top of `path_below` (a child of `loop`, then its descendants) runs
    once per iteration of `loop`."""
    child = path_below[0]
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return child in loop.body
    if isinstance(loop, ast.While):
        return child in loop.body or child is loop.test
    if isinstance(loop, _COMPS):
        first = loop.generators[0]
        if child is first:
            return len(path_below) > 1 and path_below[1] is not first.iter
        return True
    return False


def _loop_rebinds(loop, tree):
    """(names, scope kind) that one iteration of `loop` rebinds; kind is "module", "function" or
    "class" for a statement loop (by the scope it is in) and "function" for a comprehension."""
    if isinstance(loop, _COMPS):
        names = set()
        for gen in loop.generators:
            names |= target_names(gen.target)
        return [(names, "function"), (bound_names([loop]), _scope_kind(tree, loop))]
    names = bound_names(loop.body)
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        names |= target_names(loop.target)
    else:
        names |= bound_names([loop.test])
    return [(names, _scope_kind(tree, loop))]


def _scope_kind(tree, node):
    for scope in tree.scopes_of(node):
        if isinstance(scope, ast.Module):
            return "module"
        if isinstance(scope, ast.ClassDef):
            return "class"
        if isinstance(scope, _COMPS):
            continue  # a walrus in a comprehension binds in the enclosing function
        return "function"
    return "module"


def site_node(tree, site):
    for node in ast.walk(tree.tree):
        if isinstance(node, obs._SITE_NODES) and node.lineno == site["line"]:
            col = node.col_offset + 1
            if (node.lineno, col, node.end_lineno, node.end_col_offset + 1) == (
                site["line"],
                site["column"],
                site["end_line"],
                site["end_column"],
            ):
                return node
    return None


def rebound_by_loop(tree, site, kind, name):
    node = site_node(tree, site)
    if node is None:
        return False
    path = tree.path(node)
    for i in range(1, len(path)):
        loop = path[i]
        if not isinstance(loop, (ast.For, ast.AsyncFor, ast.While) + _COMPS):
            continue
        if not _repeats(loop, path[:i][::-1]):
            continue
        for names, scope_kind in _loop_rebinds(loop, tree):
            if name not in names:
                continue
            if kind == "global" and scope_kind == "module":
                return True
            if kind == "cell" and scope_kind == "function":
                return True
    return False


# -- exceptions -> codes ----------------------------------------------------------------------------


def _node_at(tree, exc):
    if "line" not in exc:
        return None
    return tree.innermost(exc["line"], exc["column"])


def classify_exception(tree, exc):
    """The diagnostic an exception record shows, or None."""
    node = _node_at(tree, exc)
    if node is None:
        return None
    where = {k: exc[k] for k in ("line", "column", "end_line", "end_column")}
    message = exc["message"]
    m = _UNBOUND_LOCAL.fullmatch(message)
    if exc["type"] == "UnboundLocalError" and m:
        name = m.group(1)
        scopes = tree.scopes_of(node)
        # the scope where the name is local, then whether anything enclosing (but a class) binds it
        for i, scope in enumerate(scopes):
            if name in scope_bindings(scope):
                for outer in scopes[i + 1 :]:
                    if not isinstance(outer, ast.ClassDef) and name in scope_bindings(outer):
                        return dict(code="unbound-local", **where, qualname=exc["qualname"], name=name)
                return None
        return None
    m = _FREE_UNBOUND.fullmatch(message)
    if exc["type"] == "NameError" and m:
        return dict(code="free-unbound", **where, qualname=exc["qualname"], name=m.group(1))
    m = _NOT_DEFINED.fullmatch(message)
    if exc["type"] == "NameError" and m:
        name = m.group(1)
        scopes = tree.scopes_of(node)
        if not scopes or isinstance(scopes[0], (ast.ClassDef, ast.Module)):
            return None  # read in a class body or at module level: not about class scope
        for scope in scopes[1:]:
            if isinstance(scope, ast.ClassDef) and name in scope_bindings(scope):
                return dict(
                    code="class-scope", **where, qualname=exc["qualname"], name=name, **{"class": scope.name}
                )
            if not isinstance(scope, ast.ClassDef) and name in scope_bindings(scope):
                return None
        return None
    if exc["type"] in ("RuntimeError", "TypeError") and message.startswith("super("):
        for call in ast.walk(tree.tree):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "super"
                and not call.args
                and not call.keywords
                and (call.lineno, call.col_offset + 1) == (exc["line"], exc["column"])
            ):
                return dict(
                    code="super-call",
                    **where,
                    qualname=exc["qualname"],
                    exception="%s: %s" % (exc["type"], message),
                )
    return None


# -- declarations (static) --------------------------------------------------------------------------


def _canonical(code, module=True):
    """A code object's behaviour-relevant content, without positions. In the module's own code the
    locals are the globals, so `*_NAME` and `*_GLOBAL` instructions are the same there (a `global x`
    in any function turns the module's `x = ...` into STORE_GLOBAL)."""
    out = []
    for ins in dis.get_instructions(code):
        if ins.opname in ("NOP", "CACHE"):
            continue
        arg = ins.argval
        if isinstance(arg, types.CodeType):
            arg = _canonical(arg, module=False)
        elif ins.opcode in dis.hasjabs or ins.opcode in dis.hasjrel:
            arg = None  # offsets; the instruction stream itself is compared
        opname = ins.opname
        if module and opname in ("STORE_GLOBAL", "DELETE_GLOBAL"):
            opname = opname.replace("GLOBAL", "NAME")
        out.append((opname, repr(arg) if not isinstance(arg, tuple) else arg))
    return (
        tuple(out),
        code.co_name,
        code.co_qualname,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_flags,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_names,
    )


def _symtables(top):
    out = {}
    stack = [top]
    while stack:
        t = stack.pop()
        out.setdefault((t.get_type(), t.get_name(), t.get_lineno()), t)
        stack.extend(t.get_children())
    return out


def declarations(source):
    """Every `global`/`nonlocal` name with what symtable and compile() say about it."""
    tree = Tree(source.tree)
    top = symtable.symtable(source.text, source.path, "exec")
    tables = _symtables(top)
    original = _canonical(compile(source.tree, source.path, "exec"))
    out = []
    for node in ast.walk(source.tree):
        if not isinstance(node, (ast.Global, ast.Nonlocal)):
            continue
        scope = tree.scopes_of(node)[0]
        if isinstance(scope, ast.Module):
            table = top
        else:
            kind = "class" if isinstance(scope, ast.ClassDef) else "function"
            table = tables.get((kind, scope.name, scope.lineno))
        statement = "global" if isinstance(node, ast.Global) else "nonlocal"
        line_text = source.lines[node.lineno - 1]
        for name in node.names:
            sym = table.lookup(name) if table is not None else None
            assigned = bool(sym and (sym.is_assigned() or sym.is_imported()))
            removable = None  # only asked of declarations the scope does not bind
            if not assigned:
                removable = _canonical(_without(source, node, name)) == original
            m = re.compile(r"\b%s\b" % re.escape(name)).search(line_text, node.col_offset + len(statement))
            col = m.start() if m else node.col_offset
            out.append(
                {
                    "statement": statement,
                    "name": name,
                    "scope": getattr(scope, "name", "<module>"),
                    "line": node.lineno,
                    "column": len(line_text[:col]) + 1,
                    "end_line": node.lineno,
                    "end_column": len(line_text[:col]) + len(name) + 1,
                    "statement_span": [
                        node.lineno,
                        node.col_offset + 1,
                        node.end_lineno,
                        node.end_col_offset + 1,
                    ],
                    "assigned": assigned,
                    "removable": removable,
                }
            )
    out.sort(key=lambda d: (d["line"], d["column"]))
    return out


def _without(source, decl, name):
    """The module compiled with `name` removed from the declaration `decl` (the statement removed
    when it was the only name; `pass` when it was the only statement)."""
    tree = copy.deepcopy(source.tree)
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody", "handlers"):
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            for i, stmt in enumerate(body):
                if type(stmt) is type(decl) and (stmt.lineno, stmt.col_offset) == (
                    decl.lineno,
                    decl.col_offset,
                ):
                    stmt.names = [n for n in stmt.names if n != name]
                    if not stmt.names:
                        if len(body) == 1:
                            body[i] = ast.copy_location(ast.Pass(), stmt)
                        else:
                            del body[i]
                    return compile(tree, source.path, "exec")
    raise AssertionError("declaration not found")


# -- one case -----------------------------------------------------------------------------------------


def case_notes(text):
    """`# topic: ...` and `# undecidable: ...` comments of a case."""
    topic = re.search(r"^# topic: *(.+)$", text, re.M)
    undecidable = re.search(r"^# undecidable: *(.+(?:\n# {2,}.+)*)$", text, re.M)
    reason = None
    if undecidable:
        reason = " ".join(part.strip().lstrip("#").strip() for part in undecidable.group(1).split("\n"))
    return (topic.group(1).strip() if topic else None), reason


def minimum_python(text):
    """The `# python: 3.X+` note of a case (syntax older versions cannot compile), as (3, X)."""
    note = re.search(r"^# python: *3\.(\d+)\+ *$", text, re.M)
    return (3, int(note.group(1))) if note else None


def late_binding(observation, tree):
    """Late-binding diagnostics (one per site) and the emulation request for per_iteration."""
    per_site = {}
    stale = observation.stale_reads()
    for item in stale:
        item["by_loop"] = not item["shared"] and rebound_by_loop(
            tree, item["site"], item["kind"], item["name"]
        )
        if item["by_loop"]:
            key = obs.site_key(item["site"])
            entry = per_site.setdefault(key, {"site": item["site"], "vars": set()})
            entry["vars"].add((item["kind"], item["name"]))
    diagnostics = []
    emulate = {}
    for key, entry in per_site.items():
        site = entry["site"]
        diagnostics.append(
            {
                "code": "late-binding",
                "line": site["line"],
                "column": site["column"],
                "end_line": site["end_line"],
                "end_column": site["end_column"],
                "qualname": site["qualname"],
                "kind": site["kind"],
                "names": sorted(name for _, name in entry["vars"]),
            }
        )
        emulate[key] = entry["vars"]
    return diagnostics, emulate, stale


def per_iteration(path, text, tree, emulate, rounds=4):
    """Run the case with the late-binding variables bound per iteration: each function object made
    at an emulated site sees, while it runs, the values it saw when it was made. A closure made
    *by* an emulated one (a factory's lambda) captured the emulated value, so it is emulated too,
    until no late-binding read is left (or `rounds` runs). Returns the run and what is left."""
    emulate = {key: set(names) for key, names in emulate.items()}
    for _ in range(rounds):
        again = obs.observe(path, text, emulate=emulate)
        _, more, _ = late_binding(again, tree)
        grew = False
        for key, names in more.items():
            if not names <= emulate.get(key, set()):
                emulate.setdefault(key, set()).update(names)
                grew = True
        if not grew:
            return again, late_binding(again, tree)[0]
    return again, late_binding(again, tree)[0]


def label_case(file, text=None, emulation=True):
    """The labels of the case in `file` (a JSON-ready dict); `text` replaces its content."""
    if text is None:
        with open(file, encoding="utf-8") as f:
            text = f.read()
    path = case_path(file)
    topic, undecidable = case_notes(text)
    out = {
        "case": os.path.basename(path),
        "python": obs.VERSION,
        "topic": topic,
        "undecidable": undecidable,
    }
    needed = minimum_python(text)
    if needed and sys.version_info[:2] < needed:
        # This interpreter cannot compile the case: it is labelled by the versions that can.
        out["runnable"] = "needs Python %d.%d+" % needed
        out["diagnostics"] = []
        return out
    observation = obs.observe(path, text)
    tree = Tree(observation.source.tree)
    out["runnable"] = observation.runnable
    decls = declarations(observation.source)
    diagnostics = [
        {
            "code": "unused-declaration",
            **{k: d[k] for k in ("line", "column", "end_line", "end_column", "statement", "name", "scope")},
        }
        for d in decls
        if not d["assigned"] and d["removable"]
    ]
    if observation.runnable is True:
        lb, emulate, stale = late_binding(observation, tree)
        diagnostics += lb
        exceptions = observation.tracer.exceptions
        seen = set()
        for exc in exceptions:
            diag = classify_exception(tree, exc)
            if diag is not None:
                key = json.dumps(diag, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    diagnostics.append(diag)
    diagnostics.sort(key=lambda d: (d["line"], d["column"], d["code"]))
    out["diagnostics"] = diagnostics
    if observation.runnable is True:
        out["scenarios"] = observation.outcomes
        if emulate and emulation:
            again, left = per_iteration(path, text, tree, emulate)
            out["per_iteration"] = again.outcomes
            if left:
                out["per_iteration_stale_left"] = left
        if observation.tracer.untagged:
            out["untagged_sites"] = sorted(observation.tracer.untagged)
        out["stale_reads"] = stale
        out["exceptions"] = exceptions
        out["sites"] = observation.sites()
    out["declarations"] = decls
    return out


def dumps(value, indent=""):
    """JSON, one line per value that fits in 100 columns, deterministic."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= 100 or not isinstance(value, (dict, list)) or not value:
        return flat if indent else flat + "\n"
    inner = indent + " "
    if isinstance(value, dict):
        items = [inner + json.dumps(k) + ": " + dumps(v, inner).lstrip() for k, v in value.items()]
        text = "{\n" + ",\n".join(items) + "\n" + indent + "}"
    else:
        text = "[\n" + ",\n".join(inner + dumps(v, inner).lstrip() for v in value) + "\n" + indent + "]"
    return text if indent else text + "\n"


def index_of(all_labels):
    """The inventory: per case its topic, its codes, and whether it is undecidable / runnable."""
    return {
        name: {
            "topic": lab["topic"],
            "codes": sorted({d["code"] for d in lab["diagnostics"]}),
            "undecidable": lab["undecidable"] is not None,
            "runnable": lab["runnable"] is True,
        }
        for name, lab in sorted(all_labels.items())
    }


def all_cases():
    return sorted(os.path.join(CASES, f) for f in os.listdir(CASES) if f.endswith(".py"))


def case_path(path):
    """Cases are recorded relative to the repository root so every version sees the same path."""
    repo = os.path.dirname(os.path.dirname(HERE))
    full = os.path.abspath(path)
    return os.path.relpath(full, repo) if full.startswith(repo + os.sep) else path


def main(argv):
    out_dir = None
    to_stdout = False
    paths = []
    it = iter(argv)
    for arg in it:
        if arg == "--out-dir":
            out_dir = next(it)
        elif arg == "--stdout":
            to_stdout = True
        else:
            paths.append(arg)
    whole = not paths
    if whole:
        paths = all_cases()
    if out_dir is None and not to_stdout:
        out_dir = os.path.join(HERE, "labels", obs.VERSION)
    results = {}
    for path in paths:
        labels = label_case(path)
        results[labels["case"]] = labels
        if to_stdout:
            sys.stdout.write(dumps(labels))
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
        if whole:
            for name in os.listdir(out_dir):
                if name.endswith(".json"):
                    os.remove(os.path.join(out_dir, name))
        for name, labels in results.items():
            with open(os.path.join(out_dir, name[:-3] + ".json"), "w", encoding="utf-8") as f:
                f.write(dumps(labels))
        if whole:
            with open(os.path.join(out_dir, "index.json"), "w", encoding="utf-8") as f:
                f.write(json.dumps(index_of(results), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
