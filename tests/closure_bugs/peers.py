#!/usr/bin/env python3
"""How today's linters do on the closure-bug corpus (not part of CI; needs PyPI).

    python3 tests/closure_bugs/peers.py [--version 3.11] [--json]

Installs pinned ruff, flake8 + flake8-bugbear and pylint into .cache/peers (a venv) when needed,
runs them over tests/closure_bugs/cases/ with each code's nearest rules, and prints per tool and
code the true/false positives/negatives against labels/<version>/:

* case level: among the cases whose `# topic:` is the code (undecidable ones apart), a case is
  buggy when its labels have the code, flagged when the tool reports one of the rules in it;
* finding level: a label is found when a finding of the rules lies on its line (late-binding:
  within the closure's lines, where B023/W0640 point at the captured name); a finding that lies
  on no label of the code is a false positive.
"""

import json
import os
import re
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
ENV = os.path.join(REPO, ".cache", "peers")
PINS = ["ruff==0.17.6", "flake8==7.5.0", "flake8-bugbear==26.10.27", "pylint==4.1.4"]

# Each code's nearest rule of each tool (None: the tool has nothing close).
RULES = {
    "ruff": {
        "late-binding": {"B023"},
        "unbound-local": {"F823", "F821"},
        "free-unbound": {"F821", "F823"},
        "class-scope": {"F821"},
        "super-call": None,
        "unused-declaration": {"PLW0602"},
    },
    "flake8": {
        "late-binding": {"B023"},
        "unbound-local": {"F823", "F821"},
        "free-unbound": {"F821", "F823"},
        "class-scope": {"F821"},
        "super-call": None,
        "unused-declaration": None,
    },
    "pylint": {
        "late-binding": {"W0640"},
        "unbound-local": {"E0601", "E0602", "E0606"},
        "free-unbound": {"E0601", "E0602", "E0606", "W0631"},
        "class-scope": {"E0602"},
        "super-call": {"E1003"},
        "unused-declaration": {"W0602"},
    },
}
CODES = ["late-binding", "unbound-local", "free-unbound", "class-scope", "super-call", "unused-declaration"]


def ensure_env():
    bin_dir = os.path.join(ENV, "bin")
    stamp = os.path.join(ENV, "pins.txt")
    if not (os.path.exists(stamp) and open(stamp).read() == "\n".join(PINS)):
        if not os.path.exists(os.path.join(bin_dir, "python")):
            venv.create(ENV, with_pip=True)
        subprocess.run([os.path.join(bin_dir, "python"), "-m", "pip", "install", "-q", *PINS], check=True)
        with open(stamp, "w") as f:
            f.write("\n".join(PINS))
    return bin_dir


def findings(bin_dir):
    """{tool: [(case, line, rule)]} over the whole corpus."""

    def rules_of(tool):
        return sorted({r for s in RULES[tool].values() if s for r in s})

    out = {}
    ruff = subprocess.run(
        [
            os.path.join(bin_dir, "ruff"),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            ",".join(rules_of("ruff")),
            "--output-format",
            "json",
            CASES,
        ],
        capture_output=True,
        text=True,
    )
    if ruff.returncode not in (0, 1):
        raise SystemExit("ruff failed: " + ruff.stderr)
    out["ruff"] = [
        (os.path.basename(d["filename"]), d["location"]["row"], d["code"])
        for d in json.loads(ruff.stdout or "[]")
    ]
    flake8 = subprocess.run(
        [
            os.path.join(bin_dir, "flake8"),
            "--isolated",
            "--select",
            ",".join(rules_of("flake8")),
            "--format",
            "%(path)s:%(row)d:%(code)s",
            CASES,
        ],
        capture_output=True,
        text=True,
    )
    out["flake8"] = []
    for line in flake8.stdout.splitlines():
        path, row, code = line.rsplit(":", 2)
        out["flake8"].append((os.path.basename(path), int(row), code))
    pylint_rules = rules_of("pylint")
    pylint = subprocess.run(
        [
            os.path.join(bin_dir, "pylint"),
            "--disable=all",
            "--enable=" + ",".join(pylint_rules),
            "--output-format=json",
            "--score=n",
            "--persistent=n",
            *sorted(os.path.join(CASES, f) for f in os.listdir(CASES) if f.endswith(".py")),
        ],
        capture_output=True,
        text=True,
    )
    out["pylint"] = [
        (os.path.basename(d["path"]), d["line"], d["message-id"]) for d in json.loads(pylint.stdout or "[]")
    ]
    return out


def load_labels(version):
    directory = os.path.join(HERE, "labels", version)
    labels = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json") and name != "index.json":
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                lab = json.load(f)
            labels[lab["case"]] = lab
    return labels


def on_label(line, label):
    if label["code"] == "late-binding":
        return label["line"] <= line <= label["end_line"]
    return line == label["line"]


def score(labels, found, tool, code):
    rules = RULES[tool][code]
    row = {
        "tool": tool,
        "code": code,
        "rules": sorted(rules) if rules else [],
        "case": dict(tp=0, fp=0, fn=0, tn=0),
        "finding": dict(tp=0, fp=0, fn=0),
        "undecidable_flagged": 0,
        "undecidable": 0,
        "fp_cases": [],
        "fn_cases": [],
    }
    hits = [(c, line) for c, line, r in found.get(tool, []) if rules and r in rules]
    for case, lab in labels.items():
        if lab["topic"] != code or lab["runnable"] is not True:
            continue
        mine = [d for d in lab["diagnostics"] if d["code"] == code]
        lines = sorted({line for c, line in hits if c == case})
        if lab["undecidable"]:
            row["undecidable"] += 1
            row["undecidable_flagged"] += bool(lines)
            continue
        buggy, flagged = bool(mine), bool(lines)
        key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[
            (buggy, flagged)
        ]
        row["case"][key] += 1
        if key == "fp":
            row["fp_cases"].append(case)
        elif key == "fn":
            row["fn_cases"].append(case)
        for d in mine:
            row["finding"]["tp" if any(on_label(line, d) for line in lines) else "fn"] += 1
        row["finding"]["fp"] += sum(1 for line in lines if not any(on_label(line, d) for d in mine))
    return row


def main(argv):
    version = "3.11"
    as_json = "--json" in argv
    if "--version" in argv:
        version = argv[argv.index("--version") + 1]
    bin_dir = ensure_env()
    found = findings(bin_dir)
    labels = load_labels(version)
    rows = [score(labels, found, tool, code) for code in CODES for tool in RULES]
    if as_json:
        print(json.dumps(rows, indent=1))
        return 0
    print("Peers on tests/closure_bugs (labels of CPython %s; %s)" % (version, ", ".join(PINS)))
    print()
    print("| code | tool (rules) | cases TP | FP | FN | TN | findings TP | FP | FN | undecidable flagged |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c, f = r["case"], r["finding"]
        rules = ",".join(r["rules"]) or "no rule"
        print(
            "| %s | %s (%s) | %d | %d | %d | %d | %d | %d | %d | %d/%d |"
            % (
                r["code"],
                r["tool"],
                rules,
                c["tp"],
                c["fp"],
                c["fn"],
                c["tn"],
                f["tp"],
                f["fp"],
                f["fn"],
                r["undecidable_flagged"],
                r["undecidable"],
            )
        )
    print()
    for r in rows:
        if r["fp_cases"] or r["fn_cases"]:
            print(
                "%s %s: FP %s; FN %s"
                % (
                    r["tool"],
                    r["code"],
                    " ".join(re.sub(r"\.py$", "", c) for c in r["fp_cases"]) or "-",
                    " ".join(re.sub(r"\.py$", "", c) for c in r["fn_cases"]) or "-",
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
