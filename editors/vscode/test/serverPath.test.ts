import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describeSource, environmentScriptDirs, expandPath, findServer } from "../src/serverPath";

const ext = "/ext/closure-lens-0.1.0";
const fake = (files: string[]) => (file: string) => files.includes(file);

test("the setting wins over the bundled binary and PATH", () => {
  const found = findServer({
    configuredPath: "/opt/cl/closure-lens",
    extensionPath: ext,
    envPath: "/usr/bin",
    platform: "linux",
    isExecutable: fake(["/opt/cl/closure-lens", `${ext}/bin/closure-lens`, "/usr/bin/closure-lens"]),
  });
  assert.deepEqual(found, { command: "/opt/cl/closure-lens", source: "setting" });
});

test("a setting that points nowhere is an error, not a silent fallback", () => {
  const found = findServer({
    configuredPath: "/nope/closure-lens",
    extensionPath: ext,
    envPath: "/usr/bin",
    platform: "linux",
    isExecutable: fake(["/usr/bin/closure-lens"]),
  });
  assert.equal(found.command, undefined);
  assert.match((found as { message: string }).message, /closureLens\.server\.path is set to "\/nope\/closure-lens"/);
});

const venv = { executable: "/proj/.venv/bin/python", sysPrefix: "/proj/.venv" };

test("the selected Python environment comes after the setting and before the bundled binary", () => {
  const everywhere = fake(["/opt/cl/closure-lens", "/proj/.venv/bin/closure-lens", `${ext}/bin/closure-lens`, "/usr/bin/closure-lens"]);
  const common = { extensionPath: ext, envPath: "/usr/bin", platform: "linux" as const, isExecutable: everywhere, pythonEnvironment: venv };
  assert.deepEqual(findServer({ ...common, configuredPath: "/opt/cl/closure-lens" }), {
    command: "/opt/cl/closure-lens",
    source: "setting",
  });
  const found = findServer({ ...common, configuredPath: "" });
  assert.deepEqual(found, { command: "/proj/.venv/bin/closure-lens", source: "python-environment" });
  assert.equal(describeSource(found, venv), "found via python-environment: the selected interpreter /proj/.venv/bin/python");
});

test("an environment without closure-lens falls through to the bundled binary", () => {
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "/usr/bin",
    platform: "linux",
    isExecutable: fake([`${ext}/bin/closure-lens`, "/usr/bin/closure-lens"]),
    pythonEnvironment: venv,
  });
  assert.deepEqual(found, { command: path.join(ext, "bin", "closure-lens"), source: "bundled" });
  assert.equal(describeSource(found), "found via bundled: the binary bundled with the extension");
});

test("an interpreter outside its prefix (a symlinked venv python) is looked beside too", () => {
  const env = { executable: "/usr/local/bin/python3", sysPrefix: "/home/u/.venvs/x" };
  assert.deepEqual(environmentScriptDirs(env, "linux"), ["/home/u/.venvs/x/bin", "/usr/local/bin"]);
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "",
    platform: "linux",
    isExecutable: fake(["/usr/local/bin/closure-lens"]),
    pythonEnvironment: env,
  });
  assert.deepEqual(found, { command: "/usr/local/bin/closure-lens", source: "python-environment" });
});

test("on Windows the environment's Scripts folder holds closure-lens.exe", () => {
  const env = { executable: "C:\\proj\\.venv\\Scripts\\python.exe", sysPrefix: "C:\\proj\\.venv" };
  assert.deepEqual(environmentScriptDirs(env, "win32"), ["C:\\proj\\.venv\\Scripts"]);
  const conda = { executable: "C:\\conda\\python.exe", sysPrefix: "C:\\conda" };
  assert.deepEqual(environmentScriptDirs(conda, "win32"), ["C:\\conda\\Scripts", "C:\\conda"]);
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "",
    platform: "win32",
    isExecutable: fake(["C:\\proj\\.venv\\Scripts\\closure-lens.exe"]),
    pythonEnvironment: env,
  });
  assert.deepEqual(found, { command: "C:\\proj\\.venv\\Scripts\\closure-lens.exe", source: "python-environment" });
});

test("the bundled binary comes before PATH", () => {
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "/usr/bin",
    platform: "linux",
    isExecutable: fake([`${ext}/bin/closure-lens`, "/usr/bin/closure-lens"]),
  });
  assert.deepEqual(found, { command: path.join(ext, "bin", "closure-lens"), source: "bundled" });
});

test("PATH is searched in order", () => {
  const found = findServer({
    configuredPath: undefined,
    extensionPath: ext,
    envPath: "/a::/b:/c",
    platform: "linux",
    isExecutable: fake(["/b/closure-lens", "/c/closure-lens"]),
  });
  assert.deepEqual(found, { command: "/b/closure-lens", source: "path" });
});

test("on Windows the executable has .exe and PATH uses ;", () => {
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "/x;/y",
    platform: "win32",
    isExecutable: fake([path.join("/y", "closure-lens.exe")]),
  });
  assert.deepEqual(found, { command: path.join("/y", "closure-lens.exe"), source: "path" });
});

test("nothing found: one message that says how to install", () => {
  const found = findServer({
    configuredPath: "",
    extensionPath: ext,
    envPath: "/usr/bin",
    platform: "linux",
    isExecutable: fake([]),
  });
  assert.equal(found.command, undefined);
  const message = (found as { message: string }).message;
  assert.match(message, /was not found/);
  assert.match(message, /pip install closure-lens/);
  assert.match(message, /cargo install closure-lens/);
  assert.match(message, /closureLens\.server\.path/);
});

test("~, ${workspaceFolder} and relative paths are expanded", () => {
  assert.equal(expandPath("~/bin/cl", "/home/u", undefined), path.join("/home/u", "bin/cl"));
  assert.equal(expandPath("${workspaceFolder}/target/release/closure-lens", "/h", "/ws"), "/ws/target/release/closure-lens");
  assert.equal(expandPath("target/cl", "/h", "/ws"), path.join("/ws", "target/cl"));
  assert.equal(expandPath(" /abs/cl ", "/h", "/ws"), "/abs/cl");
});
