import { test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_PYTHON_VERSION,
  DIAGNOSTIC_LEVELS,
  SERVER_SETTING_KEYS,
  semanticTokensEnabled,
  settingsPayload,
} from "../src/settings";

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
      codeLens: { enable: true, decorators: true },
      extraPaths: [],
      diagnostics: { enable: true, severity: {} },
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
      "codeLens.decorators": false,
      extraPaths: ["lib", "/opt/shared"],
      "diagnostics.enable": false,
      "diagnostics.severity": { "late-binding": "error", "unused-declaration": "off" },
    }),
  );
  assert.deepEqual(payload.closureLens, {
    pythonVersion: "3.11",
    inlayHints: { enable: false, passThrough: true },
    codeLens: { enable: false, decorators: false },
    extraPaths: ["lib", "/opt/shared"],
    diagnostics: { enable: false, severity: { "late-binding": "error", "unused-declaration": "off" } },
  });
});

test("invalid values fall back to the defaults", () => {
  const payload = settingsPayload(reader({ pythonVersion: "2.7", "inlayHints.enable": "yes" }));
  assert.equal(payload.closureLens.pythonVersion, null);
  assert.equal(payload.closureLens.inlayHints.enable, true);
  const extraPaths = (value: unknown) => settingsPayload(reader({ extraPaths: value })).closureLens.extraPaths;
  assert.deepEqual(extraPaths("lib"), []);
  assert.deepEqual(extraPaths(["lib", 3]), []);
  const severity = (value: unknown) => settingsPayload(reader({ "diagnostics.severity": value })).closureLens.diagnostics.severity;
  assert.deepEqual(severity(["late-binding"]), {});
  assert.deepEqual(severity("off"), {});
  assert.deepEqual(severity({ "late-binding": "loud", "class-scope": 3, "super-call": "hint" }), { "super-call": "hint" });
});

test("semantic tokens are on unless the user turns them off", () => {
  assert.equal(semanticTokensEnabled(reader({})), true);
  assert.equal(semanticTokensEnabled(reader({ "semanticTokens.enable": false })), false);
  assert.equal(semanticTokensEnabled(reader({ "semanticTokens.enable": "no" })), true);
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
    assert.deepEqual(prop.default, expected, `default of closureLens.${key}`);
  }
  assert.deepEqual(props["closureLens.pythonVersion"].enum, ["3.11", "3.12", "3.13", "3.14"]);
  assert.deepEqual(props["closureLens.trace.server"].enum, ["off", "messages", "verbose"]);
  assert.equal(props["closureLens.server.path"].default, "");
  assert.equal(props["closureLens.semanticTokens.enable"].default, true);
});

test("package.json offers every level for every diagnostic code", () => {
  const severity = props["closureLens.diagnostics.severity"] as unknown as {
    additionalProperties: boolean;
    properties: Record<string, { enum: string[]; markdownDescription: string }>;
  };
  assert.equal(severity.additionalProperties, false);
  const codes = Object.keys(severity.properties);
  // The closure bugs first, then CPython's SyntaxError families (tests/editor_manifests.rs checks
  // the list against the server's).
  assert.deepEqual(codes.slice(0, 2), ["late-binding", "unbound-local"]);
  assert.ok(codes.includes("nonlocal-without-binding"));
  for (const code of codes) {
    assert.match(code, /^[a-z]+(-[a-z]+)*$/);
    assert.deepEqual(severity.properties[code].enum, [...DIAGNOSTIC_LEVELS], code);
    assert.match(severity.properties[code].markdownDescription, /Default: `(error|warning|information|hint)`\.$/, code);
  }
});

test("package.json describes each semantic-token modifier and gives captured, cell and nonlocalWrite a fallback style", () => {
  const modifiers = pkg.contributes.semanticTokenModifiers as { id: string; description: string }[];
  assert.deepEqual(
    modifiers.map((m) => m.id),
    ["captured", "cell", "nonlocalWrite", "global", "passThrough", "classScope"],
  );
  assert.ok(modifiers.every((m) => m.description.length > 20));
  const scopes = (pkg.contributes.semanticTokenScopes as { language: string; scopes: Record<string, string[]> }[]).find(
    (s) => s.language === "python",
  );
  assert.ok(scopes);
  for (const selector of ["*.captured", "*.cell", "*.nonlocalWrite"]) {
    assert.ok(scopes.scopes[selector]?.length, selector);
  }
  // Three different looks.
  const looks = new Set(["*.captured", "*.cell", "*.nonlocalWrite"].map((s) => scopes.scopes[s][0]));
  assert.equal(looks.size, 3);
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
