#!/usr/bin/env python3
"""Check the fix verifier itself: every hand-made fix in fixes/good/ must pass `verify_fix.py`,
every broken one in fixes/bad/ must fail it (so the verifier is known to tell them apart).

    python3 tests/closure_bugs/check_fixes.py

A fix file starts with `# fixes: CASE.py` (a file of cases/) and `# code: CODE`; the rest is the
case after the fix. Run by CI (`cargo test --test closure_bugs`). The last line is
"N passed, N failed".
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import verify_fix  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    started = time.perf_counter()
    passed = failed = 0
    for expect in ("good", "bad"):
        directory = os.path.join(HERE, "fixes", expect)
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            case = re.search(r"^# fixes: (\S+)$", text, re.M).group(1)
            code = re.search(r"^# code: (\S+)$", text, re.M).group(1)
            result = verify_fix.verify(os.path.join(HERE, "cases", case), path, [code])
            if result["ok"] == (expect == "good"):
                passed += 1
            else:
                failed += 1
                print(
                    "FAIL %s/%s: expected the verifier to %s it; checks:"
                    % (expect, name, "accept" if expect == "good" else "reject")
                )
                for c in result["checks"]:
                    print("   %s %s %s" % ("ok  " if c["ok"] else "FAIL", c["check"], c["detail"][:200]))
    print("closure_bugs fix verifier: %d fixes in %.2f s" % (passed + failed, time.perf_counter() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
