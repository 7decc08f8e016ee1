"""Starts `EXE serve` (or `EXE serve --stdio`), sends `initialize`, checks the answer, then shuts
the server down with `shutdown` + `exit` and checks it exits with status 0.

    python lsp_initialize.py EXE [ARGS...]     (default ARGS: serve)
"""

import json
import subprocess
import sys


def send(proc: subprocess.Popen, message: dict) -> None:
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc: subprocess.Popen) -> dict:
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def main() -> int:
    command = sys.argv[1:] if len(sys.argv) > 2 else [sys.argv[1], "serve"]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    while True:
        message = receive(proc)
        if message.get("id") == 1:
            break
    result = message["result"]
    assert result["serverInfo"]["name"] == "closure-lens", result
    assert "inlayHintProvider" in result["capabilities"], result["capabilities"]
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    while receive(proc).get("id") != 2:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    proc.stdin.close()
    status = proc.wait(timeout=10)
    assert status == 0, f"exit status {status}"
    print(f"{' '.join(command)}: initialize answered by {result['serverInfo']['name']} "
          f"{result['serverInfo'].get('version', '')}, clean exit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
