"""`threading.Thread(target=...)` made in the loop, started after it."""
# topic: late-binding
import threading


def run_workers(names):
    results = []
    threads = []
    for name in names:
        threads.append(threading.Thread(target=lambda: results.append("worker " + name)))
    for t in threads:
        t.start()
        t.join()
    return results


def scenario_workers():
    return run_workers(["a", "b", "c"])
