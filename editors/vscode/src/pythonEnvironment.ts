// The Python environment selected in VS Code, through the Python extension's API
// (ms-python.python, `environments.getActiveEnvironmentPath` / `resolveEnvironment`). Without
// that extension, or when it fails, there is simply no environment to look in.
import * as path from "node:path";
import type { PythonEnvironment } from "./serverPath";

/** The part of the Python extension's exported API used here. */
export interface PythonExtensionApi {
  environments: {
    getActiveEnvironmentPath(resource?: unknown): { id: string; path: string };
    resolveEnvironment(environment: { id: string; path: string } | string): Promise<
      | {
          executable: { uri?: { fsPath: string }; sysPrefix?: string };
        }
      | undefined
    >;
    onDidChangeActiveEnvironmentPath?: (listener: (event: unknown) => unknown) => { dispose(): unknown };
  };
}

/** The extension as `vscode.extensions.getExtension` returns it (or undefined). */
export interface ExtensionLike {
  isActive: boolean;
  exports: unknown;
  activate(): Thenable<unknown>;
}

export const PYTHON_EXTENSION_ID = "ms-python.python";

/** The Python extension's API, activating it if needed; undefined when absent or unusable. */
export async function pythonApi(extension: ExtensionLike | undefined): Promise<PythonExtensionApi | undefined> {
  if (extension === undefined) {
    return undefined;
  }
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    const api = exports as Partial<PythonExtensionApi> | undefined;
    return typeof api?.environments?.getActiveEnvironmentPath === "function" ? (api as PythonExtensionApi) : undefined;
  } catch {
    return undefined;
  }
}

/** The interpreter and prefix of the environment selected for `resource`. */
export async function selectedEnvironment(
  api: PythonExtensionApi | undefined,
  resource?: unknown,
): Promise<PythonEnvironment | undefined> {
  if (api === undefined) {
    return undefined;
  }
  try {
    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    // Unresolved, the active path may be a bare command such as "python": nothing to look beside.
    const executable = resolved?.executable.uri?.fsPath ?? (path.isAbsolute(active.path) ? active.path : undefined);
    if (!executable) {
      return undefined;
    }
    return { executable, sysPrefix: resolved?.executable.sysPrefix || undefined };
  } catch {
    return undefined;
  }
}
