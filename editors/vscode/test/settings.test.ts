import { test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_PYTHON_VERSION, SERVER_SETTING_KEYS, settingsPayload } from "../src/settings";

const reader = (values: Record<string, unknown>) => ({
  get<T>(key: string): T | undefined {
    return values[key] as T | undefined;
  },
});

test("defaults match the server's defaults", () => {
  assert.deepEqual(settingsPayload(reader({})), {
    closureLens: {
      pythonVersion: null,
      inlayHints: { enable: true, passThrough: false },
      codeLens: { enable: true },
      diagnostics: { enable: true },
    },
  });
});

test("values from the configuration are passed through, nested as the server expects", () => {
  const payload = settingsPayload(
    reader({
      pythonVersion: "3.11",
      "inlayHints.enable": false,
      "inlayHints.passThrough": true,
      "codeLens.enable": false,
      "diagnostics.enable": false,
    }),
  );
  assert.deepEqual(payload.closureLens, {
    pythonVersion: "3.11",
    inlayHints: { enable: false, passThrough: true },
    codeLens: { enable: false },
    diagnostics: { enable: false },
  });
});

test("invalid values fall back to the defaults", () => {
  const payload = settingsPayload(reader({ pythonVersion: "2.7", "inlayHints.enable": "yes" }));
  assert.equal(payload.closureLens.pythonVersion, null);
  assert.equal(payload.closureLens.inlayHints.enable, true);
});

test("the version is sent only when the user chose one, so pyproject.toml can decide otherwise", () => {
  // What VS Code's WorkspaceConfiguration does: `get` returns the contributed default, `inspect` tells.
  const vscodeLike = (sources: Record<string, unknown>) => ({
    get<T>(key: string): T | undefined {
      return (key === "pythonVersion" ? sources.workspaceValue ?? sources.globalValue ?? "3.14" : undefined) as T;
    },
    inspect(key: string) {
      return key === "pythonVersion" ? { key: "closureLens.pythonVersion", defaultValue: "3.14", ...sources } : undefined;
    },
  });
  assert.equal(settingsPayload(vscodeLike({})).closureLens.pythonVersion, null);
  assert.equal(settingsPayload(vscodeLike({ workspaceValue: "3.12" })).closureLens.pythonVersion, "3.12");
  assert.equal(settingsPayload(vscodeLike({ globalValue: "3.14" })).closureLens.pythonVersion, "3.14");
});

// package.json is the user-facing half of the same contract.
const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[] }>;

test("package.json contributes every server setting, with the server's defaults", () => {
  const defaults = settingsPayload(reader({})).closureLens as unknown as Record<string, unknown>;
  for (const key of SERVER_SETTING_KEYS) {
    const prop = props[`closureLens.${key}`];
    assert.ok(prop, `closureLens.${key} is missing from contributes.configuration`);
    // An unset version is sent as null (the server then reads pyproject.toml); its fallback is the default shown.
    const expected =
      key === "pythonVersion"
        ? DEFAULT_PYTHON_VERSION
        : key.split(".").reduce<unknown>((obj, part) => (obj as Record<string, unknown>)[part], defaults);
    assert.equal(prop.default, expected, `default of closureLens.${key}`);
  }
  assert.deepEqual(props["closureLens.pythonVersion"].enum, ["3.11", "3.12", "3.13", "3.14"]);
  assert.deepEqual(props["closureLens.trace.server"].enum, ["off", "messages", "verbose"]);
  assert.equal(props["closureLens.server.path"].default, "");
});

test("package.json has the commands, the activation event and the marketplace fields", () => {
  const commands = (pkg.contributes.commands as { command: string; title: string; category?: string }[]).map(
    (c) => `${c.category ? `${c.category}: ` : ""}${c.title} (${c.command})`,
  );
  assert.ok(commands.includes("Closure Lens: Restart Server (closureLens.restartServer)"));
  assert.ok(commands.includes("Closure Lens: Show Output (closureLens.showOutput)"));
  assert.ok(pkg.activationEvents.includes("onLanguage:python"));
  for (const field of ["name", "displayName", "publisher", "repository", "categories", "icon", "license", "engines"]) {
    assert.ok(pkg[field], `package.json lacks ${field}`);
  }
  assert.equal(pkg.main, "./dist/extension.js");
});
