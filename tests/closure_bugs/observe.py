"""Run one corpus case under CPython's tracer and record what its closures really do.

Dependency-free; CPython 3.11-3.14, natively or inside pyodide. Used by `label.py` (which turns an
observation into labels), `verify_fix.py` and `check_labels.py`. Nothing here knows closure-lens.

A case is a module that defines code plus `scenario_*` functions using it the way a program would.
`observe(path)` executes the module, then every scenario in definition order, with `sys.settrace`
(and `threading.settrace`) active, and records:

* **sites**: every function object made by `MAKE_FUNCTION` in the case (lambda, def, async def,
  generator expression, class body, and 3.11's comprehension functions), identified by the
  creating instruction: `co_qualname` of the new code plus the `co_positions()` span of the
  `MAKE_FUNCTION` (which is the `def`/`lambda`/genexpr/`class` node, decorators excluded);
* **stale reads**: a function object reads a variable (a free variable's cell: LOAD_DEREF,
  LOAD_CLOSURE, LOAD_CLASSDEREF / LOAD_FROM_DICT_OR_DEREF, or 3.13's LOAD_FAST* of a cell when it
  builds a nested closure; or a module global: LOAD_GLOBAL, also from a nested comprehension or
  generator frame running inside it) that holds a different object than when *that function
  object* was created;
* **exceptions**: every exception raised in a frame of the case (caught or not), where it was
  raised (type, message, qualname, position of the raising instruction);
* the outcome of the module and of each scenario (a safe `repr` of the result, or the exception).

How a function object's creation is caught (there is no "function created" event before 3.12's
`sys.monitoring`, and none at all for this purpose): the case's frames trace opcodes. Statically,
for every `MAKE_FUNCTION` the offset of the first instruction after it (after 3.13's
`SET_FUNCTION_ATTRIBUTE`s) is known. When that instruction's opcode event fires, the new function
is on the value stack and was allocated a moment ago, so it is in the young GC generation:
`gc.get_objects(0)` finds the function objects whose `__code__` *is* that code constant (a full
`gc.get_referrers` scan is the fallback if a collection promoted it). The function's cells and
the globals its code (and nested code) loads are snapshotted, and the function gets its own copy
of the code (`code.replace(co_filename=path + "#<n>")`), so every later frame of it (a call, and
each resumption of its generator or coroutine) identifies exactly that function object.

Tracing traps handled here (measured on 3.11.7, 3.12.7, 3.13.2, 3.14.2):
* 3.12 delivers opcode events only if some frame had `f_trace_opcodes` set before `settrace`;
* 3.13+ enable opcode events for a frame only if `f_trace` is already set when `f_trace_opcodes`
  is set, so the 'call' handler sets `frame.f_trace` itself first;
* 3.11/3.12 copy `f_locals` back into the fast locals and cells after every trace callback, so
  per-iteration emulation writes cells through `frame.f_locals` (3.13+: a write-through proxy).
"""

import ast
import dis
import gc
import re
import sys
import threading
import types

VERSION = "%d.%d" % sys.version_info[:2]

FunctionType = types.FunctionType


class _Empty:
    def __repr__(self):
        return "<unbound>"


EMPTY = _Empty()

# Exceptions that are control flow, not bugs.
_CONTROL = (StopIteration, StopAsyncIteration, GeneratorExit)

_CELL_READS = {"LOAD_DEREF", "LOAD_CLOSURE", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"}
_CELL_WRITES = {"STORE_DEREF", "DELETE_DEREF"}
_COMPREHENSIONS = {"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"}
_SITE_NODES = (
    ast.Lambda,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
)
_KIND = {
    ast.Lambda: "lambda",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "async def",
    ast.ClassDef: "class",
    ast.GeneratorExp: "genexpr",
    ast.ListComp: "listcomp",
    ast.SetComp: "setcomp",
    ast.DictComp: "dictcomp",
}


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:
        return EMPTY


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def safe_repr(value, depth=0):
    """A deterministic repr: containers recursively, sets sorted, no addresses."""
    if depth > 6:
        return "..."
    if value is EMPTY:
        return "<unbound>"
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(safe_repr(v, depth + 1) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(safe_repr(v, depth + 1) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(safe_repr(k, depth + 1) + ": " + safe_repr(v, depth + 1) for k, v in value.items())
            + "}"
        )
    if isinstance(value, (set, frozenset)):
        items = sorted(safe_repr(v, depth + 1) for v in value)
        return type(value).__name__ + "({" + ", ".join(items) + "})"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        return "<function %s>" % value.__qualname__
    if isinstance(value, type):
        return "<class %s>" % value.__qualname__
    return "<%s>" % type(value).__qualname__


def _message(exc):
    return _ADDRESS.sub(" at 0x?", str(exc))


class Source:
    """The case's text, its ast, and conversions from code positions to 1-based character columns."""

    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.tree = ast.parse(text, path)

    def column(self, lineno, byte_col):
        """1-based character column of a 0-based UTF-8 byte offset on a 1-based line."""
        if lineno is None or byte_col is None:
            return None
        line = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def span(self, positions):
        line, end_line, col, end_col = positions
        if line is None:
            return None
        return {
            "line": line,
            "column": self.column(line, col),
            "end_line": end_line,
            "end_column": self.column(end_line, end_col),
        }


class CodeInfo:
    """What the tracer needs to know about one original code object of the case."""

    __slots__ = (
        "code",
        "parent",
        "site",
        "reads",
        "after",
        "freevars",
        "globals_read",
        "ancestors",
        "cell_writes",
        "global_writes",
    )

    def __init__(self, code, parent):
        self.code = code
        self.parent = parent
        self.site = None  # dict with qualname/kind/span; None for the module
        self.reads = {}  # offset -> ("cell", names) | ("global", (name,))
        self.after = {}  # offset just after a MAKE_FUNCTION -> the code constant it made
        self.freevars = code.co_freevars
        self.globals_read = set()  # LOAD_GLOBAL names here and in nested code
        self.ancestors = set() if parent is None else parent.ancestors | {id(parent.code)}
        self.cell_writes = set()  # free variables written here (through `nonlocal`)
        self.global_writes = set()  # STORE_GLOBAL / DELETE_GLOBAL names (function code only)


def _instructions(code):
    return list(dis.get_instructions(code))


class Static:
    """The code tree of a case, with sites, read instructions and creation points per code."""

    def __init__(self, source):
        self.source = source
        self.module = compile(source.text, source.path, "exec")
        self.infos = {}  # id(original code) -> CodeInfo
        self._site_nodes = {}
        for node in ast.walk(source.tree):
            if isinstance(node, _SITE_NODES):
                self._site_nodes.setdefault((node.lineno, node.col_offset), []).append(node)
        self._walk(self.module, None)
        # (id(owner code), name) of cells some nested function writes through `nonlocal`.
        self.shared_cells = set()
        self.shared_globals = set()
        for info in self.infos.values():
            for name in info.cell_writes:
                owner = self.owner(info, name)
                if owner is not None:
                    self.shared_cells.add((id(owner.code), name))
            self.shared_globals |= info.global_writes

    def _walk(self, code, parent):
        info = CodeInfo(code, parent)
        self.infos[id(code)] = info
        instructions = _instructions(code)
        # A comprehension's walrus writes the enclosing function's variable (its binding, not a
        # closure sharing a cell on purpose).
        comprehension = code.co_name in _COMPREHENSIONS
        last_const = None
        for index, ins in enumerate(instructions):
            op = ins.opname
            if op == "LOAD_CONST" and isinstance(ins.argval, types.CodeType):
                last_const = (ins.argval, ins.positions)
            elif op == "MAKE_FUNCTION" and last_const is not None:
                child, positions = last_const
                nxt = index + 1
                while nxt < len(instructions) and instructions[nxt].opname == "SET_FUNCTION_ATTRIBUTE":
                    nxt += 1
                if nxt < len(instructions):
                    info.after[instructions[nxt].offset] = child
                self._walk(child, info)
                self.infos[id(child)].site = self._site(child, positions)
                last_const = None
            elif op in _CELL_READS and ins.argval in code.co_freevars:
                info.reads[ins.offset] = ("cell", (ins.argval,))
            elif op.startswith("LOAD_FAST") and op != "LOAD_FAST_AND_CLEAR":
                names = ins.argval if isinstance(ins.argval, tuple) else (ins.argval,)
                free = tuple(n for n in names if n in code.co_freevars)
                if free:
                    info.reads[ins.offset] = ("cell", free)
            elif op == "LOAD_GLOBAL":
                info.reads[ins.offset] = ("global", (ins.argval,))
                info.globals_read.add(ins.argval)
            elif op in _CELL_WRITES and ins.argval in code.co_freevars and not comprehension:
                info.cell_writes.add(ins.argval)
            elif op in ("STORE_GLOBAL", "DELETE_GLOBAL") and parent is not None and not comprehension:
                info.global_writes.add(ins.argval)
        for const in code.co_consts:
            if isinstance(const, types.CodeType) and id(const) not in self.infos:
                self._walk(const, info)  # code made some other way (never in the corpus)
        if parent is not None:
            parent.globals_read |= info.globals_read

    def _site(self, code, positions):
        span = self.source.span(positions)
        kind = None
        nodes = self._site_nodes.get((positions.lineno, positions.col_offset), [])
        for node in nodes:
            if (node.end_lineno, node.end_col_offset) == (positions.end_lineno, positions.end_col_offset):
                kind = _KIND[type(node)]
        if kind is None and nodes:
            kind = _KIND[type(nodes[0])]
        return {"qualname": code.co_qualname, "kind": kind, **span}

    def owner(self, info, name):
        """The code whose frame owns the cell that free variable `name` of `info` refers to."""
        node = info.parent
        while node is not None:
            if name in node.code.co_cellvars:
                return node
            node = node.parent
        return None


def site_key(site):
    return (site["line"], site["column"], site["qualname"])


class Record:
    """One traced function object: where it was made and what it saw then."""

    __slots__ = ("info", "site", "cells", "snap_cells", "snap_globals", "code", "serial")

    def __init__(self, info, func, serial):
        self.info = info
        self.site = info.site
        self.serial = serial
        self.cells = dict(zip(info.code.co_freevars, func.__closure__ or (), strict=True))
        self.snap_cells = {name: _cell_value(cell) for name, cell in self.cells.items()}
        g = func.__globals__
        self.snap_globals = {name: g.get(name, EMPTY) for name in info.globals_read}
        self.code = info.code.replace(co_filename="%s#%d" % (info.code.co_filename, serial))


class Tracer:
    """The trace functions and everything they record for one run of one case."""

    def __init__(self, static, emulate=None):
        self.static = static
        self.infos = dict(static.infos)  # also keyed by id() of every per-function code copy
        self.records = {}  # id(code copy) -> Record
        self.emulate = emulate or {}  # site key -> set of (kind, name) to bind per iteration
        self.created = {}  # site key -> count
        self.calls = {}  # site key -> count of frames started or resumed
        self.stale = {}  # (site key, kind, name) -> [count, set of (then, now)]
        self.exceptions = []
        self._exc_seen = []
        self._saved = {}  # frame -> [(kind, name, record, old value)]
        self.untagged = set()  # sites whose function ran without having been seen being made
        self._serial = 0

    # -- installation -----------------------------------------------------------------------

    def __enter__(self):
        # 3.12: opcode events are delivered only if this interpreter flag is set before settrace.
        frame = sys._getframe()
        frame.f_trace_opcodes = True
        frame.f_trace_opcodes = False
        self._old_switch = sys.getswitchinterval()
        sys.setswitchinterval(1000.0)  # a started thread runs until it blocks or ends
        self._old_hook = threading.excepthook
        threading.excepthook = lambda args: None  # recorded by the 'exception' event instead
        threading.settrace(self.global_trace)
        sys.settrace(self.global_trace)
        return self

    def __exit__(self, *exc):
        sys.settrace(None)
        threading.settrace(None)
        threading.excepthook = self._old_hook
        sys.setswitchinterval(self._old_switch)
        return False

    # -- trace functions --------------------------------------------------------------------

    def global_trace(self, frame, event, arg):
        info = self.infos.get(id(frame.f_code))
        if info is None:
            return None
        frame.f_trace = self.local_trace  # 3.13+: must be set before f_trace_opcodes
        frame.f_trace_lines = False
        frame.f_trace_opcodes = True
        record = self.records.get(id(frame.f_code))
        if record is None and info.site is not None:
            # A function object that was never tagged: its creation went unseen (never expected).
            self.untagged.add(site_key(info.site))
        if record is not None:
            key = site_key(record.site)
            self.calls[key] = self.calls.get(key, 0) + 1
            wanted = self.emulate.get(key)
            if wanted:
                self._bind_per_iteration(frame, record, wanted)
        return self.local_trace

    def local_trace(self, frame, event, arg):
        if event == "opcode":
            info = self.infos.get(id(frame.f_code))
            if info is not None:
                offset = frame.f_lasti
                made = info.after.get(offset)
                if made is not None:
                    self._tag(made)
                read = info.reads.get(offset)
                if read is not None:
                    self._check_read(frame, info, read)
        elif event == "exception":
            self._exception(frame, arg)
        elif event == "return":
            if frame in self._saved:
                self._restore(frame)
        return self.local_trace

    # -- function objects -------------------------------------------------------------------

    def _tag(self, code):
        found = [o for o in gc.get_objects(0) if type(o) is FunctionType and o.__code__ is code]
        if not found:  # promoted by a collection since it was made (or a jump landed here)
            found = [o for o in gc.get_referrers(code) if type(o) is FunctionType and o.__code__ is code]
        info = self.static.infos[id(code)]
        for func in found:
            self._serial += 1
            record = Record(info, func, self._serial)
            func.__code__ = record.code
            self.records[id(record.code)] = record
            self.infos[id(record.code)] = info
            key = site_key(info.site)
            self.created[key] = self.created.get(key, 0) + 1

    def _check_read(self, frame, info, read):
        kind, names = read
        if kind == "cell":
            record = self.records.get(id(frame.f_code))
            if record is None:
                return
            for name in names:
                now = _cell_value(record.cells[name])
                then = record.snap_cells[name]
                if now is not then:
                    self._stale(record, "cell", name, then, now)
            return
        name = names[0]
        now = frame.f_globals.get(name, EMPTY)
        # The reading frame, then the frames of lexically enclosing code that are running it
        # (3.11 comprehensions, a generator expression consumed inside a lambda, ...).
        current, current_info = frame, info
        while True:
            record = self.records.get(id(current.f_code))
            if record is not None:
                then = record.snap_globals.get(name, now)
                if then is not now:
                    self._stale(record, "global", name, then, now)
            back = current.f_back
            if back is None:
                return
            back_info = self.infos.get(id(back.f_code))
            if back_info is None or id(back_info.code) not in current_info.ancestors:
                return
            current, current_info = back, back_info

    def _stale(self, record, kind, name, then, now):
        key = (site_key(record.site), kind, name)
        entry = self.stale.get(key)
        if entry is None:
            entry = self.stale[key] = [0, set()]
        entry[0] += 1
        entry[1].add((safe_repr(then), safe_repr(now)))

    def shared(self, record_info, kind, name):
        """Whether a variable is rebound on purpose by the closures (`nonlocal` / `global`)."""
        if kind == "global":
            return name in self.static.shared_globals
        owner = self.static.owner(record_info, name)
        return owner is not None and (id(owner.code), name) in self.static.shared_cells

    # -- per-iteration emulation ------------------------------------------------------------

    def _bind_per_iteration(self, frame, record, wanted):
        saved = self._saved.setdefault(frame, [])
        # 3.11/3.12: every read of `frame.f_locals` refreshes it from the cells, dropping earlier
        # writes; read it once and write every name into that one mapping.
        frame_locals = frame.f_locals
        for kind, name in sorted(wanted):
            if kind == "cell":
                then = record.snap_cells.get(name, EMPTY)
                if then is EMPTY or name not in record.cells:
                    continue
                saved.append((kind, name, record, _cell_value(record.cells[name])))
                frame_locals[name] = then
            else:
                then = record.snap_globals.get(name, EMPTY)
                if then is EMPTY:
                    continue
                saved.append((kind, name, record, frame.f_globals.get(name, EMPTY)))
                frame.f_globals[name] = then

    def _restore(self, frame):
        frame_locals = frame.f_locals
        for kind, name, record, old in reversed(self._saved.pop(frame)):
            if kind == "cell":
                if old is EMPTY:
                    try:
                        del frame_locals[name]
                    except (KeyError, TypeError, ValueError):
                        pass
                    try:
                        del record.cells[name].cell_contents
                    except ValueError:
                        pass
                else:
                    frame_locals[name] = old
            elif old is EMPTY:
                frame.f_globals.pop(name, None)
            else:
                frame.f_globals[name] = old

    # -- exceptions -------------------------------------------------------------------------

    def _exception(self, frame, arg):
        exc_type, exc, tb = arg
        if tb is None or tb.tb_next is not None or tb.tb_frame is not frame:
            return  # propagating from a callee frame, recorded where it was raised
        if isinstance(exc, _CONTROL) or any(exc is seen for seen in self._exc_seen):
            return
        self._exc_seen.append(exc)
        self.exceptions.append(self.describe(exc, frame, tb.tb_lasti))

    def describe(self, exc, frame, lasti):
        code = frame.f_code
        positions = list(code.co_positions())[lasti // 2] if lasti >= 0 else (None,) * 4
        out = {
            "type": type(exc).__name__,
            "message": _message(exc),
            "qualname": code.co_qualname,
        }
        span = self.static.source.span(positions)
        if span:
            out.update(span)
        name = getattr(exc, "name", None) if isinstance(exc, NameError) else None
        if name is not None:
            out["name"] = name
        return out


_THREADS = []


def threads_available():
    """Whether this CPython can start a thread (pyodide cannot: "can't start new thread")."""
    if not _THREADS:
        import _thread

        try:
            _thread.start_new_thread(lambda: None, ())
            _THREADS.append(True)
        except RuntimeError:
            _THREADS.append(False)
    return _THREADS[0]


def _uses_threads(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] in ("threading", "_thread", "concurrent") for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "threading",
            "_thread",
            "concurrent",
        ):
            return True
    return False


class Observation:
    """Everything one run of a case recorded: the outcomes, the tracer's records, and
    `sites()` / `stale_reads()` as plain data."""

    def __init__(self, source, static, tracer, outcomes, runnable):
        self.source = source
        self.static = static
        self.tracer = tracer
        self.outcomes = outcomes
        self.runnable = runnable

    def sites(self):
        out = []
        for info in self.static.infos.values():
            if info.site is None:
                continue
            key = site_key(info.site)
            if key not in self.tracer.created:
                continue
            out.append(dict(info.site, created=self.tracer.created[key], calls=self.tracer.calls.get(key, 0)))
        out.sort(key=lambda s: (s["line"], s["column"], s["qualname"]))
        return out

    def stale_reads(self):
        """Stale reads with the site, whether the variable is shared on purpose (nonlocal/global)."""
        infos = {site_key(i.site): i for i in self.static.infos.values() if i.site is not None}
        out = []
        for (key, kind, name), (count, pairs) in self.tracer.stale.items():
            info = infos[key]
            out.append(
                {
                    "site": dict(info.site),
                    "kind": kind,
                    "name": name,
                    "count": count,
                    "values": [list(p) for p in sorted(pairs)][:6],
                    "shared": self.tracer.shared(info, kind, name),
                }
            )
        out.sort(
            key=lambda s: (
                s["site"]["line"],
                s["site"]["column"],
                s["site"]["qualname"],
                s["kind"],
                s["name"],
            )
        )
        return out


def _scenarios(module, modname):
    found = []
    for name, value in list(vars(module).items()):
        if name.startswith("scenario_") and isinstance(value, FunctionType) and value.__module__ == modname:
            found.append((value.__code__.co_firstlineno, name, value))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(name, fn) for _, name, fn in found]


def _run(label, fn, tracer, path):
    try:
        value = fn()
    except BaseException as exc:  # noqa: BLE001 - the outcome is what we record
        tb = exc.__traceback__
        origin = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.split("#")[0] == path:
                origin = tb
            tb = tb.tb_next
        if origin is not None:
            described = tracer.describe(exc, origin.tb_frame, origin.tb_lasti)
        else:
            described = {"type": type(exc).__name__, "message": _message(exc)}
        return {"name": label, "exception": described}
    return {"name": label, "result": safe_repr(value)}


def observe(path, text=None, emulate=None):
    """Execute the case at `path` (or `text` as if it were there) and return an Observation.

    `emulate`: {site key: {(kind, name)}} — while a function object made at that site runs, those
    variables hold the value they had when it was made (what binding per iteration would give).
    """
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    source = Source(path, text)
    static = Static(source)
    tracer = Tracer(static, emulate)
    if _uses_threads(source.tree) and not threads_available():
        return Observation(
            source,
            static,
            tracer,
            [],
            "threads are not available in this build of CPython (can't start new thread)",
        )
    modname = "closure_bugs_case_" + re.sub(r"\W", "_", path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    module = types.ModuleType(modname)
    module.__file__ = path
    sys.modules[modname] = module
    outcomes = []
    try:
        with tracer:
            outcome = _run("<module>", lambda: exec(static.module, module.__dict__), tracer, path)
            outcomes.append(outcome)
            if "exception" not in outcome:
                for name, fn in _scenarios(module, modname):
                    outcomes.append(_run(name, fn, tracer, path))
    finally:
        sys.modules.pop(modname, None)
    for outcome in outcomes:
        if outcome["name"] == "<module>" and "result" in outcome:
            del outcome["result"]
    return Observation(source, static, tracer, outcomes, True)
