// The settings the server understands, read from VS Code's configuration.
// Sent as initializationOptions and with workspace/didChangeConfiguration as { closureLens: ... }.

/** What `vscode.workspace.getConfiguration("closureLens")` offers (only `get` is used). */
export interface ConfigReader {
  get<T>(section: string): T | undefined;
}

export interface ServerSettings {
  pythonVersion: string;
  inlayHints: { enable: boolean; passThrough: boolean };
  codeLens: { enable: boolean };
  diagnostics: { enable: boolean };
}

export const PYTHON_VERSIONS = ["3.11", "3.12", "3.13", "3.14"] as const;
export const DEFAULT_PYTHON_VERSION = "3.14";

/** The setting keys (under closureLens.) that are passed to the server; used by the tests too. */
export const SERVER_SETTING_KEYS = [
  "pythonVersion",
  "inlayHints.enable",
  "inlayHints.passThrough",
  "codeLens.enable",
  "diagnostics.enable",
] as const;

function bool(config: ConfigReader, key: string, fallback: boolean): boolean {
  const value = config.get<unknown>(key);
  return typeof value === "boolean" ? value : fallback;
}

export function readServerSettings(config: ConfigReader): ServerSettings {
  const version = config.get<unknown>("pythonVersion");
  return {
    pythonVersion:
      typeof version === "string" && (PYTHON_VERSIONS as readonly string[]).includes(version)
        ? version
        : DEFAULT_PYTHON_VERSION,
    inlayHints: {
      enable: bool(config, "inlayHints.enable", true),
      passThrough: bool(config, "inlayHints.passThrough", false),
    },
    codeLens: { enable: bool(config, "codeLens.enable", true) },
    diagnostics: { enable: bool(config, "diagnostics.enable", true) },
  };
}

/** The payload of initializationOptions and of didChangeConfiguration's `settings`. */
export function settingsPayload(config: ConfigReader): { closureLens: ServerSettings } {
  return { closureLens: readServerSettings(config) };
}
