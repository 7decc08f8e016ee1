#!/usr/bin/env python3
"""Layout rewrites of Python files that cannot change what CPython computes, for the metamorphic
test (tests/metamorphic.rs): closure-lens must analyse the rewritten file exactly as the original.

Dependency-free (CPython 3.11+); `ruff` is the only outside tool, for the `ruff` rewrite.

    python3 tests/metamorphic/rewrite.py --out DIR [--rewrites R,R,...] [--verify all|none|N]
        [--ruff PATH] [--jobs N] (--stdlib | --files-from LIST | PATH...)

For each rewrite R it writes DIR/R/<n>.py (the rewritten file, in the original's encoding) and
one line per input file to DIR/R/manifest.jsonl:

    {"original": PATH, "rewritten": PATH, "lines": [[orig, [new, ...]], ...]}
    {"original": PATH, "skipped": REASON}

`lines` maps each original line holding a token to the lines its tokens moved to (the rewrites
only insert or remove layout, so every token keeps its text and its order); unlisted lines keep
their number.

Rewrites (each deterministic: pseudo-random choices are seeded by the file's path):
  comments       inside brackets, a comment (and sometimes a whole comment line, indented or at
                 column 0) between tokens
  continuations  a backslash line continuation between tokens, inside and outside brackets
  parens         redundant parentheses around expressions (where the grammar allows them and the
                 meaning cannot change: never an annotated target, a walrus target, a starred
                 or slice element or a starred operand, nor anything inside a pattern or an
                 f-string)
  crlf           CRLF line endings
  tabs           every indentation level a tab
  ruff           `ruff format` (a real formatter: moves tokens across lines, adds and removes
                 parentheses and commas)

Files CPython rejects (a parse error, or its `__future__` check, which depends on line numbers)
are skipped, and so are files with lone carriage returns (the tokenize module does not end lines
there).

--verify checks with CPython itself that a rewrite changes nothing it computes: the rewritten file
must parse, and its symbol table (every scope, name, flag; lines through the line map) and code
objects (qualname, freevars, cellvars; first line through the map) must equal the original's.
`all` checks every file, `N` one file in N (chosen by path), `none` nothing. A rewrite that fails
the check, or whose tokens differ from the original's, is a failure of this script (exit status
1), never a silent skip. Prints a summary on stderr.
"""

import argparse
import ast
import hashlib
import io
import json
import os
import random
import subprocess
import symtable
import sys
import tempfile
import tokenize
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import cpython_dump  # noqa: E402

REWRITES = ("comments", "continuations", "parens", "crlf", "tabs", "ruff")

# Tokens that carry no code: the rewrites may add or move them freely.
LAYOUT = {
    tokenize.NEWLINE,
    tokenize.NL,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
    tokenize.ENCODING,
}
OPEN, CLOSE = "([{", ")]}"


def seeded(path, rewrite):
    digest = hashlib.sha256(("%s:%s" % (os.path.basename(path), rewrite)).encode()).digest()
    return random.Random(digest)


class Source:
    """A decoded file with its tokens, its AST (when given) and a (row, col) -> offset
    conversion."""

    def __init__(self, text, tree=None):
        self.text = text
        self.tree = tree
        self.starts = [0]
        for line in io.StringIO(text, newline=""):
            self.starts.append(self.starts[-1] + len(line))
        self.tokens = list(tokenize.generate_tokens(io.StringIO(text, newline="").readline))

    def offset(self, row, col):
        return self.starts[row - 1] + col

    def line_text(self, row):
        return self.text[self.starts[row - 1] : self.starts[row]] if row < len(self.starts) else ""

    def indent_of(self, row):
        line = self.line_text(row)
        return line[: len(line) - len(line.lstrip(" \t"))]


def insert(src, insertions):
    """The text with (offset, order, string) triples inserted (ties broken by `order`), and its
    line map: each code token moves down by the line breaks inserted before it."""
    text = apply(src.text, insertions)
    breaks = sorted((offset, s.count("\n")) for offset, _, s in insertions if "\n" in s)
    lines, i, shift = {}, 0, 0
    for tok in src.tokens:
        if tok.type in LAYOUT:
            continue
        start = src.offset(*tok.start)
        while i < len(breaks) and breaks[i][0] <= start:
            shift += breaks[i][1]
            i += 1
        lines.setdefault(tok.start[0], set()).add(tok.start[0] + shift)
    return text, {row: sorted(rows) for row, rows in lines.items()}


def apply(text, insertions):
    """Inserts (offset, order, string) triples into text; ties are broken by `order`."""
    out, last = [], 0
    for offset, _, s in sorted(insertions, key=lambda x: (x[0], x[1])):
        out.append(text[last:offset])
        out.append(s)
        last = offset
    out.append(text[last:])
    return "".join(out)


def code_token_gaps(src):
    """(left token, right token, bracket depth, indentation for a new line between them) for
    consecutive code tokens on one physical line. A new line is indented one level deeper than the
    first line of its statement, as people write continuation lines."""
    depth = 0
    prev = None
    indent = ""
    at_line_start = True
    for tok in src.tokens:
        if tok.type == tokenize.NEWLINE:
            at_line_start = True
        if tok.type in LAYOUT:
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                prev = None
            continue
        if at_line_start:
            indent = src.indent_of(tok.start[0]) + "    "
            at_line_start = False
        if prev is not None and prev.end[0] == tok.start[0]:
            yield prev, tok, depth, indent
        if tok.type == tokenize.OP:
            if tok.string in OPEN:
                depth += 1
            elif tok.string in CLOSE:
                depth = max(0, depth - 1)
        prev = tok


def rewrite_comments(path, src):
    rng = seeded(path, "comments")
    ins = []
    for left, right, depth, indent in code_token_gaps(src):
        if depth == 0 or rng.random() < 0.5:
            continue
        at = src.offset(*left.end)
        if rng.random() < 0.3:
            # A whole comment line, at the continuation's indentation or at column 0 (inside
            # brackets indentation does not count, and a comment line is no statement).
            line_indent = indent if rng.random() < 0.5 else ""
            ins.append((at, 0, "  # closure-lens\n%s# a comment line\n%s" % (line_indent, indent)))
        else:
            ins.append((at, 0, "  # closure-lens\n" + indent))
    return insert(src, ins)


def rewrite_continuations(path, src):
    rng = seeded(path, "continuations")
    ins = []
    for left, right, depth, indent in code_token_gaps(src):
        if rng.random() < 0.5:
            continue
        ins.append((src.offset(*left.end), 0, " \\\n" + indent))
    return insert(src, ins)


def rewrite_crlf(path, src):
    if "\r" in src.text:
        raise Skip("already has carriage returns")
    return src.text.replace("\n", "\r\n"), {}


def rewrite_tabs(path, src):
    """Every logical line indented by one tab per block level; its continuation lines (inside
    brackets or after a backslash) keep their indentation relative to it, as spaces after its tabs.

    (Moving continuation lines to the tab-indented block's level would put some at an enclosing
    block's indentation right after a `.` or a `lambda`: a shape tree-sitter-python still reads
    as a new statement; see vendor/tree-sitter-python/PATCHES.md.)"""
    level = 0
    new_indent = {}  # row -> new leading whitespace
    start_row, start_width, start_indent = None, 0, ""
    at_line_start = True
    for tok in src.tokens:
        if tok.type == tokenize.INDENT:
            level += 1
            continue
        if tok.type == tokenize.DEDENT:
            level -= 1
            continue
        if tok.type in (tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.NEWLINE:
            at_line_start = True
            continue
        row, col = tok.start
        line = src.line_text(row)
        first_on_row = line[:col].strip(" \t\f") == ""
        if at_line_start and tok.type not in (tokenize.NL, tokenize.COMMENT):
            start_row, start_width, start_indent = row, width(line[:col]), "\t" * level
            new_indent[row] = start_indent
            at_line_start = False
        elif not at_line_start and first_on_row and row != start_row and row not in new_indent:
            extra = max(0, width(line[:col]) - start_width)
            new_indent[row] = start_indent + " " * extra
    lines = io.StringIO(src.text, newline="").readlines()
    for row, indent in new_indent.items():
        lines[row - 1] = indent + lines[row - 1].lstrip(" \t\f")
    return "".join(lines), {}


def width(indent):
    """Columns of leading whitespace, tabs to the next multiple of 8 (as CPython counts)."""
    return len(indent.expandtabs(8))


# ---- parentheses ---------------------------------------------------------------------------


class Parens(ast.NodeVisitor):
    """Chooses expressions to wrap in parentheses: about one in two of those that may be wrapped,
    at most `MAX_ADDED` deep (CPython refuses more than 200 nested brackets)."""

    MAX_ADDED = 8

    def __init__(self, rng):
        self.rng = rng
        self.chosen = []
        self.banned = set()
        self.banned_starts = set()
        self.added = 0

    def ban(self, node):
        if node is not None:
            self.banned.add(id(node))

    def visit_AnnAssign(self, node):
        # Not inside the target: `(x): int` is not a simple target, and `(w).a: int` is illegal.
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_NamedExpr(self, node):
        self.ban(node.target)
        self.generic_visit(node)

    def visit_Starred(self, node):
        # Not `*x` (it is no expression), nor anything that would start with `*(`:
        # tree-sitter-python reads `*(` in an assignment target or a `return` as an error (a
        # grammar gap).
        self.ban(node)
        self.banned_starts.add((node.value.lineno, node.value.col_offset))
        self.generic_visit(node)

    def visit_Slice(self, node):
        self.ban(node)
        self.generic_visit(node)

    def visit_Tuple(self, node):
        if any(isinstance(e, (ast.Starred, ast.Slice)) for e in node.elts) or not node.elts:
            self.ban(node)
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        self.ban(node)  # positions inside f-strings are unreliable before 3.12: not inside

    def visit_match_case(self, node):
        # Patterns are not expressions; the guard and the body are.
        if node.guard is not None:
            self.visit(node.guard)
        for stmt in node.body:
            self.visit(stmt)

    def generic_visit(self, node):
        wrap = (
            isinstance(node, ast.expr)
            and id(node) not in self.banned
            and getattr(node, "end_lineno", None) is not None
            and (node.lineno, node.col_offset) not in self.banned_starts
            and self.added < self.MAX_ADDED
            and self.rng.random() < 0.5
        )
        if wrap:
            self.chosen.append(node)
            self.added += 1
        super().generic_visit(node)
        if wrap:
            self.added -= 1


def char_col(src, row, byte_col):
    return len(src.line_text(row).encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def rewrite_parens(path, src):
    finder = Parens(seeded(path, "parens"))
    finder.visit(src.tree)
    ins = []
    for node in finder.chosen:
        start = src.offset(node.lineno, char_col(src, node.lineno, node.col_offset))
        end = src.offset(node.end_lineno, char_col(src, node.end_lineno, node.end_col_offset))
        # At one offset: closing parentheses before opening ones, inner closes first, outer
        # opens first.
        ins.append((start, (1, -end), "("))
        ins.append((end, (0, -start), ")"))
    return insert(src, ins)


# ---- line maps -----------------------------------------------------------------------------

# The formatter adds and removes these (and only layout besides): alignment skips over them.
OPTIONAL = {"(", ")", ",", ";"}


def significant(tokens):
    """The code tokens as lists of tokens: one token each, but each run of adjacent strings is one
    item (the formatter may join implicitly concatenated strings)."""
    out = []
    joinable = False
    for tok in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            joinable = False  # strings of two statements are not one literal
        if tok.type in LAYOUT:
            continue
        if tok.type == tokenize.STRING and joinable:
            out[-1].append(tok)
        else:
            out.append([tok])
        joinable = tok.type == tokenize.STRING
    return out


def line_map(old, new):
    """Original line -> sorted new lines of its tokens, aligning the two token streams."""
    a = significant(old.tokens)
    b = significant(new.tokens)
    moved = {}
    i = j = 0
    while i < len(a) and j < len(b):
        xs, ys = a[i], b[j]
        x, y = xs[0], ys[0]
        same = x.type == y.type and (
            x.string == y.string or x.type in (tokenize.STRING, tokenize.NUMBER)
        )
        if same:
            if len(xs) == len(ys):
                pairs = zip(xs, ys)
            else:  # joined strings: each original line to every line of the result
                pairs = ((p, q) for p in xs for q in ys)
            for p, q in pairs:
                moved.setdefault(p.start[0], set()).add(q.start[0])
            i += 1
            j += 1
        elif x.type == tokenize.OP and x.string in OPTIONAL:
            i += 1
        elif y.type == tokenize.OP and y.string in OPTIONAL:
            j += 1
        else:
            raise Broken("token streams differ: %r at line %d vs %r at line %d"
                         % (x.string, x.start[0], y.string, y.start[0]))
    rest = [t[0].string for t in a[i:] + b[j:] if t[0].string not in OPTIONAL]
    if rest:
        raise Broken("token streams differ at the end: %r" % rest[:5])
    return {row: sorted(rows) for row, rows in moved.items()}


class Skip(Exception):
    """The rewrite does not apply to this file (reported, not a failure)."""


class Broken(Exception):
    """The rewrite broke the file: a bug of this script."""


# ---- CPython's view ------------------------------------------------------------------------


def lines_agree(lines, old, new):
    return new in lines.get(old, [old])


def verify(path, a, new_text, lines):
    """Differences between what CPython computes for the original (`a`, its dump) and the
    rewritten text (empty: none)."""
    b = cpython_dump.dump_source(path, new_text)
    if b["rejected"]:
        return ["CPython rejects the rewrite: %s" % b["rejected"]]
    problems = []
    if bool(a["rejected"]) != bool(b["rejected"]):
        return ["rejected: %r vs %r" % (a["rejected"], b["rejected"])]
    for ea, eb in zip(a["errors"], b["errors"]):
        if ea["message"] != eb["message"] or not lines_agree(lines, ea["line"], eb["line"]):
            problems.append("error %r line %s vs %r line %s"
                            % (ea["message"], ea["line"], eb["message"], eb["line"]))
    if len(a["errors"]) != len(b["errors"]):
        problems.append("errors: %d vs %d" % (len(a["errors"]), len(b["errors"])))
    if len(a["scopes"]) != len(b["scopes"]):
        return problems + ["scopes: %d vs %d" % (len(a["scopes"]), len(b["scopes"]))]
    for sa, sb in zip(a["scopes"], b["scopes"]):
        for key in sa:
            if key == "line":
                if not lines_agree(lines, sa["line"], sb["line"]):
                    problems.append("scope %s line %s vs %s" % (sa["name"], sa["line"], sb["line"]))
            elif sa[key] != sb[key]:
                problems.append("scope %s@%s %s: %r vs %r"
                                % (sa["name"], sa["line"], key, sa[key], sb[key]))
    ca, cb = a["code"] or [], b["code"] or []
    if len(ca) != len(cb):
        return problems + ["code objects: %d vs %d" % (len(ca), len(cb))]
    for xa, xb in zip(ca, cb):
        for key in ("qualname", "name", "freevars", "cellvars"):
            if xa[key] != xb[key]:
                problems.append("code %s %s: %r vs %r" % (xa["qualname"], key, xa[key], xb[key]))
        if not lines_agree(lines, xa["firstlineno"], xb["firstlineno"]):
            problems.append("code %s first line %s vs %s"
                            % (xa["qualname"], xa["firstlineno"], xb["firstlineno"]))
    return problems


# ---- driver --------------------------------------------------------------------------------


def parse(path, text):
    """(AST, None), or (None, why CPython refuses `text`: a parse error or its `__future__`
    check)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError) as e:
            return None, getattr(e, "msg", None) or str(e)
        try:
            symtable.symtable(text, path, "exec")
        except SyntaxError as e:
            if e.msg in cpython_dump._FUTURE_ERRORS or e.msg.startswith("future feature "):
                return None, e.msg
    return tree, None


def encode(text, encoding, had_bom):
    data = text.encode(encoding or "utf-8")
    if had_bom and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    return data


def job(args):
    """Rewrites one file every way; returns a list of (rewrite, manifest entry, verify problems)."""
    index, path, rewrites, out, verify_every, ruff_text = args
    with open(path, "rb") as f:
        had_bom = f.read(3) == b"\xef\xbb\xbf"
    text, encoding = cpython_dump.read_source(path)
    results = []
    if text is None:
        return [(r, {"original": path, "skipped": "CPython cannot decode it"}, None) for r in rewrites]
    # Files CPython rejects are skipped. Among its checks, the one for late `from __future__`
    # imports depends on line numbers (statements on one line are checked, the rest not).
    tree, reason = parse(path, text)
    if reason:
        return [(r, {"original": path, "skipped": "CPython rejects it: " + reason}, None)
                for r in rewrites]
    if "\r" in text.replace("\r\n", ""):
        reason = "lone carriage returns (the tokenize module does not end lines there)"
        return [(r, {"original": path, "skipped": reason}, None) for r in rewrites]
    try:
        src = Source(text, tree)
    except (SyntaxError, tokenize.TokenError) as e:
        reason = "the tokenize module rejects it: %s" % e
        return [(r, {"original": path, "skipped": reason}, None) for r in rewrites]
    check = verify_every > 0 and int(hashlib.sha256(path.encode()).hexdigest(), 16) % verify_every == 0
    original = cpython_dump.dump_source(path, text) if check else None
    for rewrite in rewrites:
        try:
            if rewrite == "ruff":
                new_text = ruff_text
                if new_text is None:
                    raise Skip("ruff did not format it")
                lines = None
            else:
                # Rewrites that only insert text know where every token went.
                new_text, lines = globals()["rewrite_" + rewrite](path, src)
            if new_text == text:
                raise Skip("unchanged")
            if lines is None:
                lines = line_map(src, Source(new_text))
            problems = verify(path, original, new_text, lines) if check else None
            target = os.path.join(out, rewrite, "%d.py" % index)
            with open(target, "wb") as f:
                f.write(encode(new_text, encoding, had_bom))
            entry = {
                "original": path,
                "rewritten": os.path.abspath(target),
                "lines": sorted([row, rows] for row, rows in lines.items() if rows != [row]),
            }
            results.append((rewrite, entry, problems))
        except Skip as e:
            results.append((rewrite, {"original": path, "skipped": str(e)}, None))
        except (Broken, tokenize.TokenError, IndentationError) as e:
            results.append((rewrite, {"original": path, "broken": str(e)}, None))
    return results


def run_ruff(ruff, paths, jobs):
    """`ruff format` over copies of `paths`: {path: formatted text} for the files it formatted."""
    formatted = {}
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for index, path in enumerate(paths):
            text, encoding = cpython_dump.read_source(path)
            if text is None or (encoding or "utf-8").replace("_", "-") not in ("utf-8", "utf-8-sig"):
                continue  # ruff reads UTF-8 only
            copy = os.path.join(tmp, "%d.py" % index)
            with open(copy, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            copies[copy] = path
        subprocess.run(
            [ruff, "format", "--isolated", "--no-cache", "--quiet", "--target-version", "py311",
             *copies],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, RUFF_NUM_THREADS=str(jobs)),
        )
        for copy, path in copies.items():
            with open(copy, encoding="utf-8", newline="") as f:
                formatted[path] = f.read()
    return formatted


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--rewrites", default=",".join(REWRITES))
    ap.add_argument("--verify", default="none", help="all, none, or N (one file in N)")
    ap.add_argument("--ruff", help="the ruff binary (needed by the ruff rewrite)")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--stdlib", action="store_true")
    ap.add_argument("--files-from")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args(argv)
    rewrites = [r for r in args.rewrites.split(",") if r]
    unknown = set(rewrites) - set(REWRITES)
    if unknown:
        ap.error("unknown rewrites: %s" % ", ".join(sorted(unknown)))
    verify_every = {"all": 1, "none": 0}.get(args.verify) or int(args.verify)
    paths = list(args.paths)
    if args.files_from:
        with open(args.files_from, encoding="utf-8") as f:
            paths += [line.rstrip("\n") for line in f if line.strip()]
    if args.stdlib:
        paths += cpython_dump.stdlib_files()
    paths = sorted(set(os.path.abspath(p) for p in paths))
    jobs = args.jobs or os.cpu_count() or 1

    ruff_out = {}
    if "ruff" in rewrites:
        if not args.ruff:
            ap.error("the ruff rewrite needs --ruff PATH")
        ruff_out = run_ruff(args.ruff, paths, jobs)

    for rewrite in rewrites:
        os.makedirs(os.path.join(args.out, rewrite), exist_ok=True)
    manifests = {r: open(os.path.join(args.out, r, "manifest.jsonl"), "w", encoding="utf-8")
                 for r in rewrites}
    counts = {r: {"rewritten": 0, "skipped": 0, "broken": 0, "verified": 0, "changed": 0}
              for r in rewrites}
    failures = []
    # Each job gets its own file's formatted text only (not the whole map: it is pickled per job).
    work = [(i, p, rewrites, args.out, verify_every, ruff_out.get(p))
            for i, p in enumerate(paths)]
    cpython_dump._offsets_are_bytes()
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.Pool(jobs)
        results = pool.imap(job, work, chunksize=4)
    else:
        pool = None
        results = map(job, work)
    for per_file in results:
        for rewrite, entry, problems in per_file:
            manifests[rewrite].write(json.dumps(entry) + "\n")
            c = counts[rewrite]
            if "broken" in entry:
                c["broken"] += 1
                failures.append("%s: %s: rewrite broken: %s" % (rewrite, entry["original"], entry["broken"]))
            elif "skipped" in entry:
                c["skipped"] += 1
            else:
                c["rewritten"] += 1
            if problems is not None:
                c["verified"] += 1
                if problems:
                    c["changed"] += 1
                    failures.append("%s: %s: CPython's view changed: %s"
                                    % (rewrite, entry["original"], "; ".join(problems[:3])))
    if pool is not None:
        pool.close()
        pool.join()
    for m in manifests.values():
        m.close()
    for rewrite in rewrites:
        c = counts[rewrite]
        print("%-13s %5d rewritten, %4d skipped, %d broken; CPython's view checked on %d, changed on %d"
              % (rewrite, c["rewritten"], c["skipped"], c["broken"], c["verified"], c["changed"]),
              file=sys.stderr)
    for f in failures:
        print("  " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
