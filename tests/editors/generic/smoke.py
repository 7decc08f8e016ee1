#!/usr/bin/env python3
"""The "any LSP client" recipe from editors/README.md, checked with a bare stdio client (stdlib only):
both command lines (`closure-lens serve --stdio`, `closure-lens --stdio`) answer initialize with
initializationOptions {"closureLens": ...}, publish or answer diagnostics, give inlay hints, and
exit cleanly on shutdown/exit.   python3 tests/editors/generic/smoke.py BIN FIXTURES_DIR"""
import json, os, pathlib, select, subprocess, sys, time

BIN, FIXTURES = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
TIMEOUT = float(os.environ.get("CLOSURE_LENS_TIMEOUT", "20"))
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    passed, failed = passed + bool(ok), failed + (not ok)
    print(f"{'ok    ' if ok else 'FAIL  '} {name}{': ' + detail if detail else ''}", flush=True)


class Client:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buf, self.next_id, self.notes = b"", 1, []

    def send(self, msg):
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def _read(self, deadline):
        while b"\r\n\r\n" not in self.buf or len(self.buf) < self._need():
            left = deadline - time.time()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("server closed stdout")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
        body, self.buf = rest[:n], rest[n:]
        return json.loads(body)

    def _need(self):
        head, sep, _ = self.buf.partition(b"\r\n\r\n")
        if not sep:
            return 1 << 62
        n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
        return len(head) + 4 + n

    def request(self, method, params):
        mid = self.next_id
        self.next_id += 1
        self.send({"id": mid, "method": method, "params": params})
        deadline = time.time() + TIMEOUT
        while True:
            msg = self._read(deadline)
            if msg.get("id") == mid and "method" not in msg:
                return msg
            if "method" in msg and "id" in msg:  # a server request: answer it plainly
                result = [None] * len(msg["params"].get("items", [])) if msg["method"] == "workspace/configuration" else None
                self.send({"id": msg["id"], "result": result})
            elif "method" in msg:
                self.notes.append(msg)


settings = {"closureLens": {"pythonVersion": "3.14", "inlayHints": {"enable": True, "passThrough": False},
                            "codeLens": {"enable": True}, "diagnostics": {"enable": True}}}
for argv in ([BIN, "serve", "--stdio"], [BIN, "--stdio"]):
    label = " ".join(["closure-lens"] + argv[1:])
    c = Client(argv)
    try:
        init = c.request("initialize", {"processId": os.getpid(), "rootUri": FIXTURES.as_uri(), "capabilities": {},
                                        "initializationOptions": settings})
        caps = init.get("result", {}).get("capabilities", {})
        check(f"{label}: initialize", "inlayHintProvider" in caps, json.dumps(init.get("result", {}).get("serverInfo")))
        c.send({"method": "initialized", "params": {}})
        uri = (FIXTURES / "counter.py").as_uri()
        c.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": (FIXTURES / "counter.py").read_text()}}})
        hints = c.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 8, "character": 0}}}).get("result") or []
        labels = ["".join(p["value"] for p in h["label"]) if isinstance(h["label"], list) else h["label"] for h in hints]
        check(f"{label}: inlay hints", any("count" in l for l in labels), " | ".join(labels))
        c.request("shutdown", None)
        c.send({"method": "exit"})
        code = c.p.wait(timeout=TIMEOUT)
        check(f"{label}: exits 0 after shutdown/exit", code == 0, f"exit code {code}")
    except (TimeoutError, EOFError, OSError) as err:
        check(f"{label}: session", False, f"{type(err).__name__} {err} (timeout {TIMEOUT:g} s)")
    finally:
        if c.p.poll() is None:
            c.p.kill()
print(f"generic: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
