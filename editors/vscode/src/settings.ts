// The settings the server understands, read from VS Code's configuration.
// Sent as initializationOptions and with workspace/didChangeConfiguration as { closureLens: ... }.

/** Where VS Code found a setting's value (`WorkspaceConfiguration.inspect`). */
export interface SettingSources {
  key?: string;
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** What `vscode.workspace.getConfiguration("closureLens")` offers (`get`, and `inspect` if any). */
export interface ConfigReader {
  get<T>(section: string): T | undefined;
  inspect?(section: string): SettingSources | undefined;
}

export interface ServerSettings {
  /** `null` when the user chose no version: the server then reads `pyproject.toml`, else 3.14. */
  pythonVersion: string | null;
  inlayHints: { enable: boolean; passThrough: boolean };
  codeLens: { enable: boolean; decorators: boolean };
  /** More directories imports are looked up in (relative ones from each workspace folder). */
  extraPaths: string[];
  diagnostics: { enable: boolean; severity: Record<string, DiagnosticLevel> };
}

/** What `closureLens.diagnostics.severity` maps a code to. */
export const DIAGNOSTIC_LEVELS = ["error", "warning", "information", "hint", "off"] as const;
export type DiagnosticLevel = (typeof DIAGNOSTIC_LEVELS)[number];

export const PYTHON_VERSIONS = ["3.11", "3.12", "3.13", "3.14"] as const;
export const DEFAULT_PYTHON_VERSION = "3.14";

/** The setting keys (under closureLens.) that are passed to the server; used by the tests too. */
export const SERVER_SETTING_KEYS = [
  "pythonVersion",
  "inlayHints.enable",
  "inlayHints.passThrough",
  "codeLens.enable",
  "codeLens.decorators",
  "extraPaths",
  "diagnostics.enable",
  "diagnostics.severity",
] as const;

/** The entries of `closureLens.diagnostics.severity` whose value is a level (others are dropped). */
function levels(config: ConfigReader): Record<string, DiagnosticLevel> {
  const value = config.get<unknown>("diagnostics.severity");
  const out: Record<string, DiagnosticLevel> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return out;
  }
  for (const [code, level] of Object.entries(value)) {
    if ((DIAGNOSTIC_LEVELS as readonly unknown[]).includes(level)) {
      out[code] = level as DiagnosticLevel;
    }
  }
  return out;
}

function bool(config: ConfigReader, key: string, fallback: boolean): boolean {
  const value = config.get<unknown>(key);
  return typeof value === "boolean" ? value : fallback;
}

/** A list of strings, or `[]` when the value is anything else. */
function strings(config: ConfigReader, key: string): string[] {
  const value = config.get<unknown>(key);
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : [];
}

/** Whether the user set `key` in any settings scope (not merely the contributed default). */
function chosenByUser(config: ConfigReader, key: string): boolean {
  const s = config.inspect?.(key);
  if (!s) {
    return config.get<unknown>(key) !== undefined;
  }
  return [
    s.globalValue,
    s.workspaceValue,
    s.workspaceFolderValue,
    s.globalLanguageValue,
    s.workspaceLanguageValue,
    s.workspaceFolderLanguageValue,
  ].some((value) => value !== undefined);
}

export function readServerSettings(config: ConfigReader): ServerSettings {
  const version = config.get<unknown>("pythonVersion");
  const valid = typeof version === "string" && (PYTHON_VERSIONS as readonly string[]).includes(version);
  return {
    pythonVersion: valid && chosenByUser(config, "pythonVersion") ? version : null,
    inlayHints: {
      enable: bool(config, "inlayHints.enable", true),
      passThrough: bool(config, "inlayHints.passThrough", false),
    },
    codeLens: {
      enable: bool(config, "codeLens.enable", true),
      decorators: bool(config, "codeLens.decorators", true),
    },
    extraPaths: strings(config, "extraPaths"),
    diagnostics: { enable: bool(config, "diagnostics.enable", true), severity: levels(config) },
  };
}

/** The payload of initializationOptions and of didChangeConfiguration's `settings`. */
export function settingsPayload(config: ConfigReader): { closureLens: ServerSettings } {
  return { closureLens: readServerSettings(config) };
}

/**
 * `closureLens.semanticTokens.enable`, read by the extension itself (not sent to the server):
 * VS Code shows the semantic tokens of one provider per file, so a user who prefers another Python
 * server's colouring turns ours off.
 */
export function semanticTokensEnabled(config: ConfigReader): boolean {
  return bool(config, "semanticTokens.enable", true);
}
