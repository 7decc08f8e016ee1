#!/usr/bin/env python3
"""Judge closure-lens renames and references by CPython's own view of the program.

Dependency-free; CPython 3.11 (the oracle of `tests/rename_cpython.rs`).

    python3 tests/oracle/rename_check.py CASES.jsonl > VERDICTS.jsonl

Each case (one JSON object per line) names a variable by its owner, a block of CPython's symbol
table (pre-order index, name, line) and its stored name, and gives what closure-lens answered:
the references (line, byte column), and either the rename (the edited source and the start of every
edit in the original) or the refusal (its reason, and the source with every reference renamed
anyway, "forced"). This script derives the expected answers from `symtable` and `ast` alone:

* the occurrences of the variable: every identifier CPython records in a block whose name there
  resolves (LOCAL/CELL here, FREE to the nearest enclosing function binding it, GLOBAL to the
  module) to the owner's entry; the references must be exactly these;
* the rename must also edit the keyword arguments naming the parameter at calls of its function
  (by name, through the variable the `def` binds), the module's `__all__` entries, annotations
  CPython never evaluates (`from __future__ import annotations`) and string forward references
  that name it lexically;
* the renamed source must parse to the same tree except those identifiers (old -> new), and its
  symbol table must be the original's with exactly the variable's entries renamed (a class body that
  both binds the old name and passes the variable through to a method splits into the two), and
  every other entry of the new name must resolve where it did before;
* a refusal is "justified" when the forced rename fails that last check (or does not compile).

One verdict per case: {"id", "problems": [...], "justified": true/false/null, "skipped": reason}.
"""

import ast
import bisect
import io
import json
import sys
import symtable
import tokenize
import warnings

import _symtable

SCOPE_OFF = _symtable.SCOPE_OFF
SCOPE_MASK = _symtable.SCOPE_MASK
LOCAL, GLOBAL_EXPLICIT, GLOBAL_IMPLICIT, FREE, CELL = 1, 2, 3, 4, 5
DEF_FREE_CLASS = _symtable.DEF_FREE_CLASS
FLAG_MASK = (1 << SCOPE_OFF) - 1
IMPLICIT_CLASS_CELLS = ("__class__",)


class MappingError(Exception):
    """The walk over the tree and the symbol table disagree (an oracle limitation, reported)."""


# ----- the symbol table ------------------------------------------------------------------------


class Table:
    """A module's symbol table in pre-order, with parents."""

    def __init__(self, source, path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            top = symtable.symtable(source, path, "exec")
        self.blocks = []
        self.parent = []
        stack = [(top, None)]
        while stack:
            block, parent = stack.pop()
            self.blocks.append(block)
            self.parent.append(parent)
            index = len(self.blocks) - 1
            stack.extend((c, index) for c in reversed(block.get_children()))
        self.index = {id(b): i for i, b in enumerate(self.blocks)}

    def flags(self, b, name):
        try:
            return self.blocks[b].lookup(name)._Symbol__flags
        except KeyError:
            return None

    def scope(self, b, name):
        flags = self.flags(b, name)
        return None if flags is None else (flags >> SCOPE_OFF) & SCOPE_MASK

    def is_function(self, b):
        return self.blocks[b].get_type() == "function"

    def resolve_free(self, b, name):
        p = self.parent[b]
        while p is not None:
            if self.is_function(p) and self.scope(p, name) in (LOCAL, CELL):
                return (p, name)
            if name in IMPLICIT_CLASS_CELLS and self.blocks[p].get_type() == "class":
                return (p, name)  # the cell the class creates (its symbol table does not list it)
            p = self.parent[p]
        return ("?", name)

    def resolve(self, b, name):
        """The namespace (block, name) the entry `name` of block `b` refers to."""
        scope = self.scope(b, name)
        if scope in (LOCAL, CELL):
            return (b, name)
        if scope in (GLOBAL_EXPLICIT, GLOBAL_IMPLICIT):
            return self.global_namespace(name)
        if scope == FREE:
            return self.resolve_free(b, name)
        return None

    def global_namespace(self, name):
        """The module's variable `name`, or the builtin when the module never binds it (a module
        binding would shadow the builtin: a different variable)."""
        flags = self.flags(0, name)
        bound = flags is not None and flags & (_symtable.DEF_BOUND | _symtable.DEF_GLOBAL)
        return (0, name) if bound else ("builtins", name)

    def lexical(self, b, name):
        """What `name` written in block `b` would name if it were evaluated there."""
        first = True
        while b is not None:
            if first or self.blocks[b].get_type() != "class":
                if self.flags(b, name) is not None:
                    return self.resolve(b, name)
            first = False
            b = self.parent[b]
        return self.global_namespace(name)

    def private(self, b):
        while b is not None:
            if self.blocks[b].get_type() == "class":
                return self.blocks[b].get_name()
            b = self.parent[b]
        return None

    def stored(self, b, name):
        return mangle(self.private(b), name)


def mangle(private, name):
    if private is None or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = private.lstrip("_")
    return name if not stripped else "_" + stripped + name


# ----- identifier sites: every identifier of the tree, in the block CPython records it in --------


class Site:
    __slots__ = ("kind", "block", "name", "pos", "node", "extra")

    def __init__(self, kind, block, name, pos, node=None, extra=None):
        self.kind = kind  # name, param, def, decl, import, except, match, kwarg, annotation, all
        self.block = block
        self.name = name  # as written (normalised by the parser), unmangled
        self.pos = pos  # (line, byte column) of the identifier in the original source
        self.node = node
        self.extra = extra


BINDING_KINDS = {"param", "def", "import", "except", "match"}


class Walker:
    """Walks an `ast` tree as CPython 3.11's symtable.c does, entering the child blocks in order."""

    def __init__(self, table, source, future_annotations):
        self.table = table
        self.lines = source.splitlines(True)
        self.future = future_annotations
        self.sites = []
        self.created = {}  # id(def/class/lambda node) -> block index
        self.stack = [0]
        self.pending = {0: list(range(len(table.blocks)))}  # filled lazily
        self.children = {}
        self.names = sorted(name_tokens(source))
        self.in_annotation = 0

    # -- positions --
    def byte_col(self, line, char_col):
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text[:char_col].encode("utf-8"))

    def tokens_in(self, node):
        start = (node.lineno, node.col_offset)
        end = (node.end_lineno, node.end_col_offset)
        lo = bisect.bisect_left(self.names, start)
        hi = bisect.bisect_left(self.names, end, lo)
        return self.names[lo:hi]

    def name_after(self, node, keywords):
        for t in self.tokens_in(node):
            if t[2] not in keywords:
                return (t[0], t[1])
        raise MappingError("no name token in %s at line %d" % (type(node).__name__, node.lineno))

    def last_name(self, node):
        tokens = self.tokens_in(node)
        if not tokens:
            raise MappingError("no name token at line %d" % node.lineno)
        return (tokens[-1][0], tokens[-1][1])

    # -- blocks --
    @property
    def cur(self):
        return self.stack[-1]

    def enter(self, node, kind, name):
        cur = self.cur
        if cur not in self.children:
            block = self.table.blocks[cur]
            self.children[cur] = [self.table.index[id(c)] for c in block.get_children()]
        queue = self.children[cur]
        for i, c in enumerate(queue):
            b = self.table.blocks[c]
            if b.get_type() == kind and b.get_name() == name and b.get_lineno() == node.lineno:
                del queue[i]
                self.stack.append(c)
                self.created[id(node)] = c
                return c
        raise MappingError("no %s block %r at line %d" % (kind, name, node.lineno))

    def leave(self):
        self.stack.pop()

    def site(self, kind, name, pos, node=None, extra=None, block=None):
        b = self.cur if block is None else block
        if kind not in ("kwarg", "annotation", "all"):
            if self.table.flags(b, self.table.stored(b, name)) is None:
                raise MappingError("%r at %s is not in block %d" % (name, pos, b))
        self.sites.append(Site(kind, b, name, pos, node, extra))

    # -- visiting --
    def visit(self, node):
        if node is None:
            return
        if isinstance(node, list):
            for n in node:
                if isinstance(n, ast.AST):
                    self.visit(n)
            return
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            method(node)
        else:
            for _, value in ast.iter_fields(node):
                if isinstance(value, (ast.AST, list)):
                    self.visit(value)

    def annotation(self, node):
        if node is None:
            return
        if self.future:
            for n in ast.walk(node):
                if isinstance(n, ast.Name):
                    pos = (n.lineno, n.col_offset)
                    self.sites.append(Site("annotation", self.cur, n.id, pos, n))
                self.forward_reference(n)
        else:
            self.in_annotation += 1
            self.visit(node)
            self.in_annotation -= 1

    def forward_reference(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pos = string_content_start(self.lines, node)
            if pos is not None:
                self.sites.append(Site("annotation", self.cur, node.value, pos, node, "string"))

    def visit_Constant(self, node):
        if self.in_annotation:
            self.forward_reference(node)

    def visit_Name(self, node):
        self.site("name", node.id, (node.lineno, node.col_offset), node, type(node.ctx).__name__)

    def arguments(self, args):
        for a in args.posonlyargs + args.args:
            self.site("param", a.arg, (a.lineno, a.col_offset), a, "positional-only" if a in args.posonlyargs else "keyword")
        if args.vararg:
            self.site("param", args.vararg.arg, (args.vararg.lineno, args.vararg.col_offset), args.vararg, "star")
        for a in args.kwonlyargs:
            self.site("param", a.arg, (a.lineno, a.col_offset), a, "keyword")
        if args.kwarg:
            self.site("param", args.kwarg.arg, (args.kwarg.lineno, args.kwarg.col_offset), args.kwarg, "star")

    def visit_FunctionDef(self, node):
        self.site("def", node.name, self.name_after(node, ("async", "def")), node)
        self.visit(node.args.defaults)
        self.visit([d for d in node.args.kw_defaults if d is not None])
        a = node.args
        for arg in a.posonlyargs + a.args + ([a.vararg] if a.vararg else []) + ([a.kwarg] if a.kwarg else []) + a.kwonlyargs:
            self.annotation(arg.annotation)
        self.annotation(node.returns)
        self.visit(node.decorator_list)
        self.enter(node, "function", node.name)
        self.arguments(node.args)
        self.visit(node.body)
        self.leave()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.visit(node.args.defaults)
        self.visit([d for d in node.args.kw_defaults if d is not None])
        self.enter(node, "function", "lambda")
        self.arguments(node.args)
        self.visit(node.body)
        self.leave()

    def visit_ClassDef(self, node):
        self.site("def", node.name, self.name_after(node, ("class",)), node)
        self.visit(node.bases)
        for k in node.keywords:
            self.visit(k.value)
        self.visit(node.decorator_list)
        self.enter(node, "class", node.name)
        self.visit(node.body)
        self.leave()

    def comprehension(self, node, name, elements):
        first = node.generators[0]
        self.visit(first.iter)
        self.enter(node, "function", name)
        self.visit(first.target)
        self.visit(first.ifs)
        for g in node.generators[1:]:
            self.visit(g.target)
            self.visit(g.iter)
            self.visit(g.ifs)
        self.visit(elements)
        self.leave()

    def visit_ListComp(self, node):
        self.comprehension(node, "listcomp", [node.elt])

    def visit_SetComp(self, node):
        self.comprehension(node, "setcomp", [node.elt])

    def visit_GeneratorExp(self, node):
        self.comprehension(node, "genexpr", [node.elt])

    def visit_DictComp(self, node):
        self.comprehension(node, "dictcomp", [node.key, node.value])

    def visit_Global(self, node):
        self.declaration(node, "global")

    def visit_Nonlocal(self, node):
        self.declaration(node, "nonlocal")

    def declaration(self, node, keyword):
        tokens = [t for t in self.tokens_in(node) if t[2] != keyword]
        if len(tokens) != len(node.names):
            raise MappingError("global/nonlocal names at line %d" % node.lineno)
        for t, name in zip(tokens, node.names):
            self.site("decl", name, (t[0], t[1]), node)

    def visit_alias(self, node):
        if node.name == "*":
            return
        if node.asname:
            self.site("import", node.asname, self.last_name(node), node)
        else:
            self.site("import", node.name.split(".")[0], (node.lineno, node.col_offset), node)

    def visit_ImportFrom(self, node):
        if node.module == "__future__":
            return self.visit(node.names)
        self.visit(node.names)

    def visit_ExceptHandler(self, node):
        self.visit(node.type)
        if node.name:
            tokens = self.tokens_in(node)
            for i, t in enumerate(tokens):
                if t[2] == "as" and i + 1 < len(tokens) and tokens[i + 1][2] == node.name:
                    self.site("except", node.name, (tokens[i + 1][0], tokens[i + 1][1]), node)
                    break
            else:
                raise MappingError("except name at line %d" % node.lineno)
        self.visit(node.body)

    def visit_MatchAs(self, node):
        self.visit(node.pattern)
        if node.name:
            pos = self.last_name(node) if node.pattern else (node.lineno, node.col_offset)
            self.site("match", node.name, pos, node)

    def visit_MatchStar(self, node):
        if node.name:
            self.site("match", node.name, self.last_name(node), node)

    def visit_MatchMapping(self, node):
        self.visit(node.keys)
        self.visit(node.patterns)
        if node.rest:
            self.site("match", node.rest, self.last_name(node), node)

    def visit_Call(self, node):
        self.visit(node.func)
        self.visit(node.args)
        for k in node.keywords:
            if k.arg is not None:
                self.sites.append(Site("kwarg", self.cur, k.arg, (k.lineno, k.col_offset), k, node))
            self.visit(k.value)

    def visit_AnnAssign(self, node):
        self.visit(node.target)
        self.annotation(node.annotation)
        self.visit(node.value)

    def visit_Module(self, node):
        for stmt in node.body:
            if is_all_statement(stmt):
                for n in ast.walk(stmt):
                    if n is getattr(stmt, "target", None) or n is getattr(stmt, "targets", [None])[0]:
                        continue
                    if isinstance(n, ast.Constant) and isinstance(n.value, str):
                        pos = string_content_start(self.lines, n)
                        if pos is not None:
                            self.sites.append(Site("all", 0, n.value, pos, n))
            self.visit(stmt)


def is_all_statement(stmt):
    def is_all(n):
        return isinstance(n, ast.Name) and n.id == "__all__"

    if isinstance(stmt, ast.Assign):
        return any(is_all(t) for t in stmt.targets)
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        return is_all(stmt.target)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        f = stmt.value.func
        return isinstance(f, ast.Attribute) and is_all(f.value) and f.attr in ("extend", "append", "remove")
    return False


def string_content_start(lines, node):
    """(line, byte column) just after the opening quote of a one-piece string literal."""
    if node.lineno != node.end_lineno:
        return None
    line = lines[node.lineno - 1].encode("utf-8")
    i = node.col_offset
    while i < len(line) and chr(line[i]) in "rRuU":
        i += 1
    if i >= len(line) or chr(line[i]) not in "'\"":
        return None
    quote = chr(line[i])
    width = 3 if line[i : i + 3] == quote.encode() * 3 else 1
    return (node.lineno, i + width)


def name_tokens(source):
    """(line, byte column, text) of every NAME token."""
    lines = source.splitlines(True)
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            line = lines[tok.start[0] - 1] if tok.start[0] - 1 < len(lines) else ""
            out.append((tok.start[0], len(line[: tok.start[1]].encode("utf-8")), tok.string))
    return out


def has_future_annotations(tree):
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            if any(a.name == "annotations" for a in stmt.names):
                return True
    return False


# ----- the expected answers ----------------------------------------------------------------------


class Program:
    """One source text as CPython sees it."""

    def __init__(self, source, path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.tree = ast.parse(source, path)
        self.table = Table(source, path)
        self.source = source
        self.walker = Walker(self.table, source, has_future_annotations(self.tree))
        self.walker.visit(self.tree)
        self.sites = self.walker.sites

    def namespace(self, site):
        t = self.table
        return t.resolve(site.block, t.stored(site.block, site.name))


def expected(program, owner, old_stored, old_plain):
    """The occurrences of the variable, and every place the rename must edit."""
    t = program.table
    variable = (owner, old_stored)
    refs = set()
    edits = set()
    for s in program.sites:
        if s.kind in ("kwarg", "annotation", "all"):
            continue
        if program.namespace(s) == variable:
            refs.add(s.pos)
    edits |= refs
    for s in program.sites:
        if s.kind == "annotation" and s.name == old_plain:
            if t.lexical(s.block, t.stored(s.block, s.name)) == variable:
                edits.add(s.pos)
        if s.kind == "all" and owner == 0 and s.name == old_plain:
            edits.add(s.pos)
    ambiguous = None
    callees = callee_variables(program, owner, old_stored)
    if callees:
        bindings = {}
        for s in program.sites:
            if s.kind in BINDING_KINDS or (s.kind == "name" and s.extra in ("Store", "Del")):
                ns = program.namespace(s)
                if ns in callees:
                    bindings[ns] = bindings.get(ns, 0) + 1
        name_sites = {s.pos: s for s in program.sites if s.kind == "name"}
        for s in program.sites:
            if s.kind != "kwarg" or s.name != old_plain:
                continue
            func = s.extra.func
            if not isinstance(func, ast.Name):
                continue
            called = name_sites.get((func.lineno, func.col_offset))
            ns = program.namespace(called) if called else None
            if ns in callees:
                if bindings.get(ns, 0) > 1:
                    ambiguous = s.pos
                edits.add(s.pos)
    return refs, edits, ambiguous


def callee_variables(program, owner, old_stored):
    """If the variable is a keyword-capable parameter: the variables its function is called through."""
    t = program.table
    if owner in (0, "builtins") or t.blocks[owner].get_type() != "function":
        return set()
    params = [s for s in program.sites if s.kind == "param" and s.block == owner and t.stored(owner, s.name) == old_stored]
    if not params or params[0].extra != "keyword":
        return set()
    callees = set()
    for s in program.sites:
        node = s.node
        if s.kind == "def" and program.walker.created.get(id(node)) == owner:
            callees.add(program.namespace(s))
            parent = t.parent[owner]
            if node.name in ("__init__", "__new__") and t.blocks[parent].get_type() == "class":
                for c in program.sites:
                    if c.kind == "def" and program.walker.created.get(id(c.node)) == parent:
                        callees.add(program.namespace(c))
    for node in ast.walk(program.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            if program.walker.created.get(id(node.value)) == owner and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    for s in program.sites:
                        if s.kind == "name" and s.pos == (target.lineno, target.col_offset):
                            callees.add(program.namespace(s))
    return callees


# ----- comparing the programs ---------------------------------------------------------------------

RENAMABLE = {
    ("Name", "id"), ("arg", "arg"), ("FunctionDef", "name"), ("AsyncFunctionDef", "name"),
    ("ClassDef", "name"), ("Global", "names"), ("Nonlocal", "names"), ("alias", "asname"),
    ("ExceptHandler", "name"), ("MatchAs", "name"), ("MatchStar", "name"), ("MatchMapping", "rest"),
    ("keyword", "arg"), ("Constant", "value"),
}


def tree_differences(a, b, old, new, out):
    """Fields where the trees differ; anything but an old -> new identifier is a problem."""
    if type(a) is not type(b):
        out.append("node %s became %s" % (type(a).__name__, type(b).__name__))
        return
    if isinstance(a, list):
        if len(a) != len(b):
            out.append("a list changed length")
            return
        for x, y in zip(a, b):
            tree_differences(x, y, old, new, out)
        return
    if not isinstance(a, ast.AST):
        return
    for field in a._fields:
        x, y = getattr(a, field, None), getattr(b, field, None)
        if isinstance(x, (ast.AST, list)) and not (isinstance(x, list) and x and isinstance(x[0], str)):
            tree_differences(x, y, old, new, out)
            continue
        if x == y:
            continue
        key = (type(a).__name__, field)
        line = getattr(a, "lineno", "?")
        if key not in RENAMABLE:
            out.append("line %s: %s.%s changed: %r -> %r" % (line, key[0], field, x, y))
        elif isinstance(x, list):
            for u, v in zip(x, y):
                if u != v and not (u == old and v == new):
                    out.append("line %s: %s name %r -> %r" % (line, key[0], u, v))
        elif key == ("alias", "asname") and x is None:
            if not (a.name == old and y == new):
                out.append("line %s: alias %r got `as %s`" % (line, a.name, y))
        elif not (x == old and y == new):
            out.append("line %s: %s.%s %r -> %r" % (line, key[0], field, x, y))


def canonical(table, rename_of):
    """Each block as (type, name, line, {name: flags}, params, children), with `rename_of` applied.

    Two entries landing on one name merge as CPython merges them: a class binding and a variable
    passed through it to a method become one entry with DEF_FREE_CLASS; anything else is a clash."""
    pass_through = FREE << SCOPE_OFF
    out = []
    for b, block in enumerate(table.blocks):
        symbols = {}
        for sym in block.get_symbols():
            for name, flags in rename_of(b, sym.get_name(), sym._Symbol__flags):
                if name not in symbols:
                    symbols[name] = flags
                elif block.get_type() == "class" and pass_through in (flags, symbols[name]):
                    symbols[name] = (symbols[name] if flags == pass_through else flags) | DEF_FREE_CLASS
                else:
                    symbols[name] = ("clash", symbols[name], flags)
        params = ()
        if block.get_type() == "function":
            params = tuple(n for p in block.get_parameters() for n, _ in rename_of(b, p, 0)[:1])
        out.append((block.get_type(), block.get_name(), block.get_lineno(), symbols, params, len(block.get_children())))
    return out


def parts(table, b, name):
    """Where the entry `name` of block `b` points: its namespace, and for a class entry that a
    method also reads from outside (DEF_FREE_CLASS), that outer namespace too."""
    flags = table.flags(b, name)
    if flags is None:
        return None
    free = table.resolve_free(b, name) if flags & DEF_FREE_CLASS else None
    return (table.resolve(b, name), free)


def meaning_preserved(original, renamed_source, path, owner, old_stored, new_stored, old_plain, new_plain):
    """Problems if the renamed program does not mean the original with the variable renamed."""
    try:
        renamed = Table(renamed_source, path)
    except SyntaxError as e:
        return ["the renamed source is rejected: %s" % e]
    except (RecursionError, MemoryError, ValueError) as e:
        return ["the renamed source is rejected: %s" % type(e).__name__]
    t = original.table
    variable = (owner, old_stored)
    renamed_variable = (owner, new_stored)
    if len(renamed.blocks) != len(t.blocks):
        return ["%d blocks became %d" % (len(t.blocks), len(renamed.blocks))]

    def transform(b, name, flags):
        if name != old_stored:
            return [(name, flags)]
        if t.resolve(b, name) == variable:
            return [(new_stored, flags)]
        if flags & DEF_FREE_CLASS and t.resolve_free(b, name) == variable:
            return [(name, flags & ~DEF_FREE_CLASS), (new_stored, FREE << SCOPE_OFF)]
        return [(name, flags)]

    expected_blocks = canonical(t, transform)
    # Blocks named after the variable (its def / class statements) are renamed too.
    for b, block in enumerate(t.blocks):
        p = t.parent[b]
        if p is not None and block.get_type() in ("function", "class") and block.get_name() == old_plain:
            if t.stored(p, old_plain) == old_stored and t.resolve(p, old_stored) == variable:
                kind, _, line, symbols, params, children = expected_blocks[b]
                expected_blocks[b] = (kind, new_plain, line, symbols, params, children)
    actual_blocks = canonical(renamed, lambda b, n, f: [(n, f)])
    problems = []
    for b, (e, a) in enumerate(zip(expected_blocks, actual_blocks)):
        if e != a:
            diff = []
            if e[:3] != a[:3]:
                diff.append("block %r -> %r" % (e[:3], a[:3]))
            for n in sorted(set(e[3]) | set(a[3])):
                if e[3].get(n) != a[3].get(n):
                    diff.append("%s: %s -> %s" % (n, e[3].get(n), a[3].get(n)))
            if e[4] != a[4]:
                diff.append("params %r -> %r" % (e[4], a[4]))
            problems.append("block %d (%s %s, line %d): %s" % (b, e[0], e[1], e[2], "; ".join(diff)))
            if len(problems) > 5:
                break
    if problems:
        return problems

    # Same flags can still point elsewhere: every entry of the new name must resolve as before,
    # with the variable's entries now pointing at the renamed variable.
    def moved(ns):
        return renamed_variable if ns == variable else ns

    for b in range(len(t.blocks)):
        old_parts, new_parts = parts(t, b, old_stored), parts(t, b, new_stored)
        if old_parts and old_parts[0] == variable:
            want = (renamed_variable, moved(old_parts[1]))
        elif old_parts and old_parts[1] == variable:
            want = (new_parts[0], renamed_variable) if new_parts else (renamed_variable, None)
        else:
            want = new_parts
        got = parts(renamed, b, new_stored)
        if got != want:
            problems.append("`%s` in block %d (%s) now names %r, expected %r" % (new_stored, b, t.blocks[b].get_name(), got, want))
    return problems


_programs = {}


def program(source, path):
    """The original program of a case (several cases share one file)."""
    key = (path, source)
    if key not in _programs:
        _programs.clear()
        try:
            _programs[key] = Program(source, path)
        except Exception as e:  # remembered, re-raised for every case of the file
            _programs[key] = e
    found = _programs[key]
    if isinstance(found, Exception):
        raise found
    return found


def check(case):
    verdict = {"id": case["id"], "problems": [], "justified": None, "skipped": None}
    source, path = case["source"], case["path"]
    try:
        original = program(source, path)
    except SyntaxError as e:
        verdict["skipped"] = "rejected by CPython: %s" % e.msg
        return verdict
    except MappingError as e:
        verdict["skipped"] = "oracle mapping: %s" % e
        return verdict
    except (RecursionError, MemoryError, ValueError) as e:
        verdict["skipped"] = "oracle: %s" % type(e).__name__
        return verdict
    t = original.table
    owner = case["owner"]["index"]
    problems = verdict["problems"]
    if owner >= len(t.blocks):
        problems.append("owner block %d does not exist" % owner)
        return verdict
    block = t.blocks[owner]
    if (block.get_name(), block.get_lineno()) != (case["owner"]["name"], case["owner"]["line"]):
        problems.append("owner block %d is %s line %d in CPython, not %s line %d" % (
            owner, block.get_name(), block.get_lineno(), case["owner"]["name"], case["owner"]["line"]))
        return verdict
    old_stored, old_plain = case["old_stored"], case["old_plain"]
    if owner == 0 and t.global_namespace(old_stored)[0] == "builtins":
        owner = "builtins"  # a builtin, or a global this module never binds
    elif old_stored in IMPLICIT_CLASS_CELLS and block.get_type() == "class" and t.flags(owner, old_stored) is None:
        pass  # the implicit cell of a class
    elif t.resolve(owner, old_stored) != (owner, old_stored):
        problems.append("`%s` is not a variable of block %d in CPython" % (old_stored, owner))
        return verdict
    refs, edits, ambiguous = expected(original, owner, old_stored, old_plain)
    got_refs = set(map(tuple, case["references"]))
    if got_refs != refs:
        problems.append("references: missing %s, extra %s" % (sorted(refs - got_refs)[:8], sorted(got_refs - refs)[:8]))
    new_stored, new_plain = case["new_stored"], case["new_plain"]
    if case["outcome"] == "renamed":
        got_edits = set(map(tuple, case["edits"]))
        if ambiguous is not None:
            problems.append("accepted although the keyword argument at %s may call another binding" % (ambiguous,))
        if got_edits != edits:
            problems.append("edits: missing %s, extra %s" % (sorted(edits - got_edits)[:8], sorted(got_edits - edits)[:8]))
        renamed_source = case["renamed"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                renamed_tree = ast.parse(renamed_source, path)
        except SyntaxError as e:
            problems.append("the renamed source does not parse: %s (line %s)" % (e.msg, e.lineno))
            return verdict
        diffs = []
        tree_differences(original.tree, renamed_tree, old_plain, new_plain, diffs)
        problems.extend(diffs[:8])
        problems.extend(meaning_preserved(original, renamed_source, path, owner, old_stored, new_stored, old_plain, new_plain))
    elif case.get("forced") is not None:
        if case["outcome"] == "ambiguous-call":
            verdict["justified"] = ambiguous is not None
        else:
            broken = meaning_preserved(original, case["forced"], path, owner, old_stored, new_stored, old_plain, new_plain)
            verdict["justified"] = bool(broken)
    return verdict


def main():
    sys.setrecursionlimit(10000)
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            try:
                verdict = check(case)
            except MappingError as e:
                verdict = {"id": case["id"], "problems": [], "justified": None, "skipped": "oracle mapping: %s" % e}
            except Exception as e:  # an oracle bug: reported as a failure, never skipped
                problem = "oracle error: %s: %s" % (type(e).__name__, e)
                verdict = {"id": case["id"], "problems": [problem], "justified": None, "skipped": None}
            print(json.dumps(verdict), flush=False)


if __name__ == "__main__":
    main()
