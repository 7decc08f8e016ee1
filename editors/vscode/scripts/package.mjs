// Builds closure-lens-<version>.vsix offline with @vscode/vsce.
// With CLOSURE_LENS_BUNDLE_BIN=/path/to/closure-lens the binary is copied into bin/ and shipped
// inside the package (found before PATH); pass --target (e.g. linux-x64) for a platform package.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const extra = process.argv.slice(2);

const bundle = process.env.CLOSURE_LENS_BUNDLE_BIN;
const binDir = path.join(root, "bin");
if (bundle) {
  if (!existsSync(bundle)) {
    console.error(`CLOSURE_LENS_BUNDLE_BIN=${bundle} does not exist`);
    process.exit(1);
  }
  rmSync(binDir, { recursive: true, force: true });
  mkdirSync(binDir);
  const exe = bundle.endsWith(".exe") ? "closure-lens.exe" : "closure-lens";
  copyFileSync(bundle, path.join(binDir, exe));
  chmodSync(path.join(binDir, exe), 0o755);
  // Release builds keep debug info (profile.release debug = 1): strip the copy when `strip` exists.
  try {
    execFileSync("strip", ["--strip-debug", path.join(binDir, exe)], { stdio: "ignore" });
  } catch {
    // no strip here: ship it as is
  }
  console.log(`bundling ${bundle} as bin/${exe} (${(statSync(path.join(binDir, exe)).size / 1048576).toFixed(1)} MiB)`);
} else if (existsSync(binDir)) {
  console.log("bin/ exists and is included in the package (CLOSURE_LENS_BUNDLE_BIN not set)");
}

const targetAt = extra.indexOf("--target");
const target = targetAt >= 0 ? extra[targetAt + 1] : undefined;
const out = path.join(root, `${pkg.name}-${target ? `${target}-` : ""}${pkg.version}.vsix`);
const vsce = path.join(root, "node_modules", "@vscode", "vsce", "vsce");
execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--out", out, ...extra], {
  cwd: root,
  stdio: "inherit",
});
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
