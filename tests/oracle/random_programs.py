#!/usr/bin/env python3
"""Random closure-heavy Python programs, for differential testing against CPython.

    python3 tests/oracle/random_programs.py --seed 7 --count 400 --out DIR [--version 3.14]

Writes DIR/prog_<seed>_<n>.py: small modules of nested functions, classes, lambdas and
comprehensions that bind, read, delete and declare (`global`, `nonlocal`) a handful of shared
names, with walrus targets, `super()` and `__class__`, private names, annotations, `match`
captures, `try` with `except ... as`, `else` and `finally`, imports, decorators and defaults;
from 3.12 also type parameters and `type` aliases. Mostly valid: a few programs carry a
SyntaxError CPython's symbol table raises, so the errors are compared too. Nothing here decides
what is right: `cpython_dump.py` runs each file through CPython (the oracle) and `closure-lens
check` must say the same.

Deterministic for a seed and version (random.Random; no hashing of strings).
"""

import argparse
import os
import random

# Few names, so that scopes share them: a name bound in one scope is read, declared or bound in
# others, which is what makes closures, cells and their errors.
NAMES = ["a", "b", "x", "y", "f", "g", "C", "i", "__p", "self"]
# Now and then: the compiler's implicit cells, a name NFKC folds onto another (`ﬁ` is `fi`),
# a mangled spelling of `__p` in class `C`, a dunder that is never mangled.
RARE_NAMES = ["__class__", "__classdict__", "ﬁ", "fi", "_C__p", "__p__", "T"]


class Gen:
    def __init__(self, rng, version):
        self.r = rng
        self.last_params = []
        self.version = version  # (3, 11) ... (3, 14)
        self.lines = []

    # -- helpers -------------------------------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def name(self):
        if not self.chance(0.06):
            return self.r.choice(NAMES)
        name = self.r.choice(RARE_NAMES)
        if name in ("__class__", "__classdict__") and self.version >= (3, 12):
            # CPython 3.12-3.14 abort compiling some classes naming these (one binding
            # `__classdict__` with a `type` in its body; `__class__` read by a generator
            # expression inside a comprehension in a class body): no oracle then.
            return "__p"
        return name

    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, ctx, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.30:
            return self.name() if self.chance(0.8) else str(self.r.randint(0, 9))
        if r < 0.40:
            return "(lambda %s: %s)" % (self.params(ctx, lam=True), self.expr(ctx, depth + 1))
        if r < 0.55:
            return self.comprehension(ctx, depth)
        if r < 0.60 and (not ctx.get("in_comp") or self.chance(0.03)):
            # Walrus: binds in the enclosing function (an error in a class's comprehension, or on
            # a comprehension's iteration variable).
            return "(%s := %s)" % (self.name(), self.expr(ctx, depth + 1))
        if r < 0.70:
            return "%s(%s)" % (self.name(), ", ".join(self.expr(ctx, depth + 1) for _ in range(self.r.randint(0, 2))))
        if r < 0.75 and ctx["in_method"]:
            if ctx.get("comp_in_class") and self.version >= (3, 12):
                # CPython 3.12-3.14 abort compiling some of these (see `name`).
                return "super(C, self).m()"
            return self.r.choice(["super().m()", "__class__", "super(C, self).m()"])
        if r < 0.80:
            return "%s.%s" % (self.name(), self.r.choice(["attr", "__p", "m"]))
        if r < 0.85:
            return "f'{%s}'" % self.name()
        if r < 0.90 and ctx["async"]:
            return "(await %s)" % self.expr(ctx, depth + 1)
        if r < 0.915 and ctx["function"] and not ctx.get("in_comp"):
            return "(yield %s)" % self.expr(ctx, depth + 1)
        return "%s + %s" % (self.expr(ctx, depth + 1), self.expr(ctx, depth + 1))

    def comprehension(self, ctx, depth):
        comp_in_class = ctx["class_direct"] or ctx.get("comp_in_class", False)
        inner = dict(ctx, class_direct=False, in_comp=True, comp_in_class=comp_in_class)
        fors = []
        for _ in range(self.r.randint(1, 2)):
            target = self.name() if self.chance(0.8) else "(%s, %s)" % (self.name(), self.name())
            it = self.expr(dict(ctx, in_comp=True, comp_in_class=comp_in_class) if not fors else inner, depth + 1)
            clause = "%sfor %s in %s" % ("async " if ctx["async"] and self.chance(0.2) else "", target, it)
            if self.chance(0.3):
                clause += " if %s" % self.expr(inner, depth + 1)
            fors.append(clause)
        elt = self.expr(inner, depth + 1)
        kind = self.r.randint(0, 3)
        if kind == 0:
            return "[%s %s]" % (elt, " ".join(fors))
        if kind == 1:
            return "{%s %s}" % (elt, " ".join(fors))
        if kind == 2:
            return "{%s: %s %s}" % (elt, self.expr(inner, depth + 1), " ".join(fors))
        return "(%s %s)" % (elt, " ".join(fors))

    def params(self, ctx, lam=False):
        names = self.r.sample(NAMES, self.r.randint(0, 3))
        self.last_params = names
        parts = []
        for n in names:
            if self.chance(0.3):
                parts.append("%s=%s" % (n, self.expr(ctx, 2)))
            elif parts and "=" in parts[-1]:
                parts.append("%s=None" % n)
            elif not lam and self.chance(0.2):
                parts.append("%s: %s" % (n, self.expr(ctx, 2)))
            else:
                parts.append(n)
        if self.chance(0.15):
            parts.append("*args")
        if self.chance(0.1):
            parts.append("**kw")
        return ", ".join(parts)

    # -- statements ----------------------------------------------------------------------------
    def block(self, ctx, indent, count):
        start = len(self.lines)
        for _ in range(count):
            self.statement(ctx, indent)
        if len(self.lines) == start:
            self.emit(indent, "pass")

    def statement(self, ctx, indent):
        depth = ctx["depth"]
        r = self.r.random()
        if r < 0.16:
            self.emit(indent, "%s = %s" % (self.target(ctx), self.expr(ctx)))
        elif r < 0.20:
            self.emit(indent, "%s += %s" % (self.name(), self.expr(ctx)))
        elif r < 0.25:
            value = " = %s" % self.expr(ctx) if self.chance(0.6) else ""
            self.emit(indent, "%s: %s%s" % (self.name(), self.expr(ctx, 2), value))
        elif r < 0.33:
            self.emit(indent, self.expr(ctx))
        elif r < 0.38:
            self.emit(indent, "del %s" % self.name())
        elif r < 0.385:
            # Rarely, a declaration after uses (often a SyntaxError CPython's symtable raises).
            self.emit(indent, "%s %s" % (self.r.choice(["global", "nonlocal"]), self.name()))
        elif r < 0.52 and ctx["function"]:
            self.emit(indent, "return %s" % self.expr(ctx))
        elif r < 0.56:
            self.emit(indent, "import os as %s" % self.name() if self.chance(0.5) else "from os import path as %s" % self.name())
        elif r < 0.72 and depth < 3:
            self.function(ctx, indent)
        elif r < 0.79 and depth < 3:
            self.klass(ctx, indent)
        elif r < 0.84 and depth < 5:
            self.emit(indent, "for %s in %s:" % (self.name(), self.expr(ctx)))
            self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 3))
        elif r < 0.87 and depth < 5:
            self.emit(indent, "try:")
            self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 2))
            self.emit(indent, "except Exception as %s:" % self.name())
            self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 2))
            # 3.11 and 3.12 visit `else` before the handlers.
            for clause in ("else", "finally"):
                if self.chance(0.3):
                    self.emit(indent, "%s:" % clause)
                    self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 2))
        elif r < 0.90 and depth < 5:
            self.emit(indent, "with %s as %s:" % (self.expr(ctx), self.name()))
            self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 2))
        elif r < 0.93 and depth < 5:
            self.emit(indent, "match %s:" % self.expr(ctx))
            self.emit(indent + 1, "case [%s, *%s]:" % (self.name(), self.name()))
            self.block(dict(ctx, depth=depth + 1), indent + 2, 1)
            self.emit(indent + 1, "case {'k': %s} | C(attr=%s):" % ((self.name(),) * 2))
            self.block(dict(ctx, depth=depth + 1), indent + 2, 1)
        elif r < 0.945 and depth < 5:
            self.extra(ctx, indent)
        elif r < 0.96 and self.version >= (3, 12):
            tp = self.type_params()
            self.emit(indent, "type %s%s = %s" % (self.name(), tp, self.expr(ctx, 2)))
        else:
            self.emit(indent, "if %s:" % self.expr(ctx))
            self.block(dict(ctx, depth=depth + 1), indent + 1, self.r.randint(1, 2))

    def target(self, ctx):
        r = self.r.random()
        if r < 0.75:
            return self.name()
        if r < 0.85:
            return "%s, *%s" % (self.name(), self.name())
        if r < 0.93:
            return "%s[%s]" % (self.name(), self.expr(ctx, 2))
        return "%s.attr" % self.name()

    def extra(self, ctx, indent):
        """Rarer statements: async loops, exception groups, star imports, chained targets."""
        depth = ctx["depth"]
        r = self.r.random()
        inner = dict(ctx, depth=depth + 1)
        if r < 0.2 and ctx["async"]:
            self.emit(indent, "async for %s in %s:" % (self.name(), self.expr(ctx)))
            self.block(inner, indent + 1, 1)
        elif r < 0.35 and ctx["async"]:
            self.emit(indent, "async with %s as %s, %s:" % (self.expr(ctx), self.name(), self.expr(ctx)))
            self.block(inner, indent + 1, 1)
        elif r < 0.5:
            self.emit(indent, "try:")
            self.block(inner, indent + 1, 1)
            self.emit(indent, "except* Exception as %s:" % self.name())
            self.block(inner, indent + 1, 1)
        elif r < 0.55:
            self.emit(indent, "from os import *")
        elif r < 0.7:
            self.emit(indent, "%s = %s = %s" % (self.target(ctx), self.target(ctx), self.expr(ctx)))
        elif r < 0.8:
            self.emit(indent, "while %s:" % self.expr(ctx))
            self.block(inner, indent + 1, 1)
            self.emit(indent, "else:")
            self.block(inner, indent + 1, 1)
        elif r < 0.9:
            self.emit(indent, "%s(%s, *%s, k=%s, **%s)" % (self.name(), self.expr(ctx), self.name(), self.expr(ctx), self.name()))
        else:
            self.emit(indent, "del %s, %s" % (self.name(), self.name()))

    def type_params(self):
        if not self.chance(0.6):
            return ""
        names = self.r.sample(["T", "U", "a", "x"], self.r.randint(1, 2))
        params = []
        for n in names:
            r = self.r.random()
            if r < 0.5:
                params.append(n)
            elif r < 0.65:
                params.append("*" + n)
            elif r < 0.75:
                params.append("**" + n)
            elif r < 0.88:
                params.append("%s: %s" % (n, self.r.choice(NAMES + ["(int, %s)" % self.r.choice(NAMES)])))
            elif self.version >= (3, 13):
                # PEP 696 defaults (3.13+).
                params.append("%s = %s" % (n, self.r.choice(NAMES)))
            else:
                params.append(n)
        return "[%s]" % ", ".join(params)

    def decorators(self, ctx, indent):
        for _ in range(self.r.randint(0, 2) if self.chance(0.3) else 0):
            self.emit(indent, "@%s" % self.expr(ctx, 2))

    def function(self, ctx, indent):
        self.decorators(ctx, indent)
        is_async = self.chance(0.15)
        name = self.name()
        tp = self.type_params() if self.version >= (3, 12) else ""
        ret = " -> %s" % self.expr(ctx, 2) if self.chance(0.15) else ""
        params = self.params(ctx)
        own = set(self.last_params)
        self.emit(indent, "%sdef %s%s(%s)%s:" % ("async " if is_async else "", name, tp, params, ret))
        # Declarations first (after them the body may bind the names), then the names the body
        # binds for sure: what a nested function's `nonlocal` can name.
        free = [n for n in NAMES if n not in own]
        enclosing = [n for n in ctx["enclosing_bound"] if n not in own]
        declared = set()
        if enclosing and self.chance(0.35):
            n = self.r.choice(enclosing)
            self.emit(indent + 1, "nonlocal %s" % n)
            declared.add(n)
        if self.chance(0.2):
            n = self.r.choice([n for n in free if n not in declared])
            self.emit(indent + 1, "global %s" % n)
            declared.add(n)
        local = [n for n in self.r.sample(NAMES, 2) if n not in declared]
        for n in local:
            self.emit(indent + 1, "%s = %s" % (n, self.expr(ctx, 2)))
        bound = (own | set(local)) - declared
        inner = dict(
            ctx,
            depth=ctx["depth"] + 1,
            function=True,
            class_direct=False,
            enclosing_bound=sorted(bound | set(n for n in ctx["enclosing_bound"] if n not in declared)),
            in_comp=False,
            comp_in_class=False,
            in_method=ctx["class_direct"] or ctx["in_method"],
        )
        inner["async"] = is_async
        self.block(inner, indent + 1, self.r.randint(1, 3))

    def klass(self, ctx, indent):
        self.decorators(ctx, indent)
        tp = self.type_params() if self.version >= (3, 12) else ""
        bases = [self.expr(ctx, 2) for _ in range(self.r.randint(0, 2))]
        if self.chance(0.15):
            bases.append("metaclass=%s" % self.expr(ctx, 2))
        bases = "(%s)" % ", ".join(bases) if bases or self.chance(0.3) else ""
        self.emit(indent, "class %s%s%s:" % (self.name(), tp, bases))
        inner = dict(ctx, depth=ctx["depth"] + 1, class_direct=True, function=False)
        inner["async"] = False
        inner["enclosing_bound"] = ctx["enclosing_bound"] if ctx["function"] else []
        self.block(inner, indent + 1, self.r.randint(1, 4))

    def module(self):
        ctx = {
            "depth": 0,
            "function": False,
            "class_direct": False,
            "in_method": False,
            "async": False,
            "enclosing_bound": [],
        }
        if self.chance(0.15):
            self.emit(0, "from __future__ import annotations")
        self.block(ctx, 0, self.r.randint(3, 6))
        return "\n".join(self.lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--version", default="3.11", help="the newest syntax to use (3.11-3.14)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    version = tuple(int(p) for p in args.version.split("."))
    os.makedirs(args.out, exist_ok=True)
    for n in range(args.count):
        rng = random.Random(args.seed * 1_000_003 + n)
        text = Gen(rng, version).module()
        with open(os.path.join(args.out, "prog_%d_%d.py" % (args.seed, n)), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
