// Bundles the extension with esbuild (and, with --tests, the unit tests against a stub `vscode`).
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = new Set(process.argv.slice(2));
const production = args.has("--production");

if (args.has("--tests")) {
  const tests = readdirSync(path.join(root, "test"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join(root, "test", f));
  await esbuild.build({
    entryPoints: tests,
    outdir: path.join(root, "out-test"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "inline",
    alias: { vscode: path.join(root, "test", "stub", "vscode.ts") },
    logLevel: "warning",
  });
} else {
  const options = {
    entryPoints: [path.join(root, "src", "extension.ts")],
    outfile: path.join(root, "dist", "extension.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    minify: production,
    sourcemap: !production,
    logLevel: "warning",
  };
  if (args.has("--watch")) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
