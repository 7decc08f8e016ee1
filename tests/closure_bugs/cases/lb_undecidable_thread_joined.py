"""A thread made, started and joined within the iteration: its target runs before the loop moves on."""
# topic: late-binding
# undecidable: `Thread(target=...)` lets the closure escape to another thread; only the `join()`
#   in the same iteration (its semantics, not the syntax) makes it finish before `name` changes.
import threading


def run_each(names):
    results = []
    for name in names:
        t = threading.Thread(target=lambda: results.append("worker " + name))
        t.start()
        t.join()
    return results


def scenario_workers():
    return run_each(["a", "b"])
