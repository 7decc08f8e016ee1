#!/usr/bin/env python3
"""Verify a quick fix by running it: does the fixed file behave as the fix promises?

    python3 tests/closure_bugs/verify_fix.py ORIGINAL.py FIXED.py [--code CODE] [--line N]

ORIGINAL is a corpus case, FIXED the same file after a fix was applied. Both are executed under the
tracer of `observe.py` (with their `scenario_*` functions) and labelled like the corpus. `--code`
selects the code the fix is for (default: every code the original shows); `--line N` restricts
the check to the original's diagnostics of that code starting on line N (one fix at a time).
Prints one JSON object on stdout and exits 0 when the fix holds, 1 when it does not, 2 on usage
errors. The JSON: {"ok", "codes", "checks": [{"check", "ok", "detail"}], "original": {...},
"fixed": {...}}; the promises checked:

* every code: FIXED compiles, and it shows no diagnostic of a code the original did not show;
* `late-binding`: no late-binding read is left at the selected sites (the fixed file has that many
  fewer late-binding diagnostics), and every scenario's outcome equals the original's outcome with
  the selected variables bound per iteration (`label.per_iteration`: what the closures would have
  computed had each seen its own iteration's values);
* `unbound-local`, `free-unbound`, `class-scope`, `super-call`: the error is gone (no exception of
  that kind for the selected names anywhere, caught or not), every scenario that raised it now
  completes, and the other scenarios keep their outcome;
* `unused-declaration`: the selected declarations are gone and the behaviour is identical (same
  outcomes, same exceptions, same late-binding reads).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import label  # noqa: E402
import observe as obs  # noqa: E402

_ERRORS = {
    "unbound-local": ("UnboundLocalError",),
    "free-unbound": ("NameError",),
    "class-scope": ("NameError",),
    "super-call": ("RuntimeError", "TypeError"),
}


def _outcome(o):
    """A scenario outcome without positions (a fix moves code)."""
    if "exception" in o:
        return {"name": o["name"], "exception": {k: o["exception"][k] for k in ("type", "message")}}
    return {"name": o["name"], "result": o.get("result")}


def _outcomes(outcomes):
    return [_outcome(o) for o in outcomes]


def _run(file, text):
    """Labels of `file` (with `text`), without the per-iteration run."""
    return label.label_case(file, text, emulation=False)


def verify(original_file, fixed_file, codes=None, line=None):
    with open(original_file, encoding="utf-8") as f:
        original_text = f.read()
    with open(fixed_file, encoding="utf-8") as f:
        fixed_text = f.read()
    checks = []

    def check(name, ok, detail=""):
        checks.append({"check": name, "ok": bool(ok), "detail": detail})
        return ok

    original = _run(original_file, original_text)
    result = {"ok": False, "codes": [], "checks": checks, "original": {}, "fixed": {}}
    try:
        compile(fixed_text, fixed_file, "exec")
    except SyntaxError as exc:
        check("fixed file compiles", False, "%s: %s (line %s)" % (type(exc).__name__, exc.msg, exc.lineno))
        return result
    check("fixed file compiles", True)
    fixed = _run(fixed_file, fixed_text)

    shown = [d["code"] for d in original["diagnostics"]]
    codes = list(codes) if codes else sorted(set(shown))
    result["codes"] = codes
    selected = [
        d for d in original["diagnostics"] if d["code"] in codes and (line is None or d["line"] == line)
    ]
    result["original"] = {
        "diagnostics": original["diagnostics"],
        "scenarios": _outcomes(original.get("scenarios", [])),
    }
    result["fixed"] = {
        "diagnostics": fixed["diagnostics"],
        "scenarios": _outcomes(fixed.get("scenarios", [])),
    }
    # A fix offered where the original shows nothing fails; the behaviour is checked all the same.
    check(
        "the original shows what is being fixed",
        selected,
        "selected %d diagnostic(s) of %s%s"
        % (len(selected), ", ".join(codes), "" if line is None else " on line %d" % line),
    )
    if original["runnable"] is not True or fixed["runnable"] is not True:
        check("both files can run here", False, str(original["runnable"]) + " / " + str(fixed["runnable"]))
        return result

    new_codes = sorted({d["code"] for d in fixed["diagnostics"]} - set(shown))
    check("no new kind of diagnostic", not new_codes, ", ".join(new_codes))

    before = _outcomes(original["scenarios"])
    after = _outcomes(fixed["scenarios"])
    by_name = {o["name"]: o for o in after}

    for code in codes:
        chosen = [d for d in selected if d["code"] == code]
        left = [d for d in fixed["diagnostics"] if d["code"] == code]
        remaining = len([d for d in original["diagnostics"] if d["code"] == code]) - len(chosen)
        if code == "late-binding":
            check(
                "late binding gone at the fixed site(s)",
                len(left) <= remaining,
                "%d late-binding diagnostic(s) left, at most %d expected: %s" % (len(left), remaining, left),
            )
            tree = label.Tree(obs.Source(label.case_path(original_file), original_text).tree)
            _, emulate, _ = label.late_binding(
                obs.observe(label.case_path(original_file), original_text), tree
            )
            wanted = {k: v for k, v in emulate.items() if line is None or k[0] == line}
            run, _ = label.per_iteration(label.case_path(original_file), original_text, tree, wanted)
            expected = _outcomes(run.outcomes)
            result["original"]["per_iteration"] = expected
            check(
                "each closure sees its own iteration's values",
                expected == after,
                "per-iteration outcomes %s, fixed outcomes %s" % (json.dumps(expected), json.dumps(after)),
            )
        elif code in _ERRORS:
            names = {d.get("name") for d in chosen}
            still = [
                e
                for e in fixed["exceptions"]
                if e["type"] in _ERRORS[code]
                and (
                    code == "super-call"
                    or e.get("name") in names
                    or any("'%s'" % n in e["message"] for n in names if n)
                )
            ]
            check("no %s error left" % code, not still, json.dumps(still))
            for b in before:
                a = by_name.get(b["name"])
                if "exception" in b and b["exception"]["type"] in _ERRORS[code]:
                    check("%s completes" % b["name"], a is not None and "exception" not in a, json.dumps(a))
                else:
                    check(
                        "%s keeps its outcome" % b["name"],
                        a == b,
                        "before %s, after %s" % (json.dumps(b), json.dumps(a)),
                    )
        elif code == "unused-declaration":
            if chosen:
                gone = [
                    d
                    for d in fixed["declarations"]
                    if any(
                        d["name"] == c["name"]
                        and d["statement"] == c["statement"]
                        and d["scope"] == c["scope"]
                        for c in chosen
                    )
                ]
                check("declaration removed", not gone, json.dumps(gone))
            check(
                "same outcomes",
                before == after,
                "before %s, after %s" % (json.dumps(before), json.dumps(after)),
            )
            strip = lambda es: [{k: e[k] for k in ("type", "message", "qualname")} for e in es]  # noqa: E731
            check("same exceptions", strip(original["exceptions"]) == strip(fixed["exceptions"]), "")
            reads = lambda s: sorted((r["site"]["qualname"], r["kind"], r["name"], r["count"]) for r in s)  # noqa: E731
            check(
                "same late-binding reads", reads(original["stale_reads"]) == reads(fixed["stale_reads"]), ""
            )
    result["ok"] = all(c["ok"] for c in checks)
    return result


def main(argv):
    files = []
    codes = []
    line = None
    it = iter(argv)
    for arg in it:
        if arg == "--code":
            codes.append(next(it, None))
        elif arg == "--line":
            line = int(next(it, "0"))
        else:
            files.append(arg)
    if len(files) != 2 or None in codes or any(c not in label.CODES for c in codes):
        sys.stderr.write(__doc__)
        return 2
    result = verify(files[0], files[1], codes, line)
    sys.stdout.write(json.dumps(result, indent=1) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
