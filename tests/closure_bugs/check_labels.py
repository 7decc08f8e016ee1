#!/usr/bin/env python3
"""Check that the committed labels equal a fresh run of the corpus under this interpreter.

    python3 tests/closure_bugs/check_labels.py          # compares with labels/<this version>/

Run by CI (`cargo test --test closure_bugs`) with the machine's python3 (3.11), so the labels can
never drift from what CPython does. Also fails when a case has no labels (or labels have no case),
when per-iteration emulation left a late-binding read (the emulation would then be wrong), and
when a function ran whose creation the tracer did not see (its snapshot would be missing).
Exit status 0 when everything matches, 1 otherwise; the last line is "N passed, N failed".
"""

import difflib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import label  # noqa: E402


def main():
    started = time.perf_counter()
    version = label.obs.VERSION
    directory = os.path.join(label.HERE, "labels", version)
    if not os.path.isdir(directory):
        print(
            "no labels for CPython %s in %s (run tests/closure_bugs/regenerate %s)"
            % (version, directory, version)
        )
        return 1
    failures = []
    results = {}
    cases = label.all_cases()
    for path in cases:
        labels = label.label_case(path)
        results[labels["case"]] = labels
        name = labels["case"][:-3] + ".json"
        fresh = label.dumps(labels)
        committed_path = os.path.join(directory, name)
        if not os.path.exists(committed_path):
            failures.append("%s: no committed labels (%s)" % (labels["case"], committed_path))
            continue
        with open(committed_path, encoding="utf-8") as f:
            committed = f.read()
        if fresh != committed:
            diff = difflib.unified_diff(
                committed.splitlines(),
                fresh.splitlines(),
                "committed/" + name,
                "fresh/" + name,
                lineterm="",
                n=2,
            )
            failures.append(
                "%s: labels differ from a fresh run:\n%s" % (labels["case"], "\n".join(list(diff)[:40]))
            )
        if labels.get("untagged_sites"):
            failures.append(
                "%s: functions ran whose creation the tracer missed: %s"
                % (labels["case"], labels["untagged_sites"])
            )
        if labels.get("per_iteration_stale_left"):
            failures.append(
                "%s: per-iteration emulation left late-binding reads: %s"
                % (labels["case"], labels["per_iteration_stale_left"])
            )
    expected = {labels["case"][:-3] + ".json" for labels in results.values()} | {"index.json"}
    for extra in sorted(set(os.listdir(directory)) - expected):
        failures.append("%s: labels without a case" % extra)
    index_path = os.path.join(directory, "index.json")
    fresh_index = label.json.dumps(label.index_of(results), indent=1) + "\n"
    if not os.path.exists(index_path) or open(index_path, encoding="utf-8").read() != fresh_index:
        failures.append("index.json differs from a fresh run")
    for failure in failures:
        print("FAIL " + failure)
    elapsed = time.perf_counter() - started
    print("closure_bugs labels, CPython %s: %d cases in %.2f s" % (version, len(cases), elapsed))
    print("%d passed, %d failed" % (len(cases) - len({f.split(":")[0] for f in failures}), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
