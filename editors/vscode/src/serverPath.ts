// Finding the closure-lens executable, in the order ruff's extension uses: the
// closureLens.server.path setting, then the `closure-lens` installed in the Python environment
// selected in VS Code (pip / uv install it next to the interpreter), then the binary bundled in
// the extension's bin/ folder, then `closure-lens` on PATH.
// Pure (no `vscode` import) so it is unit-tested with a fake file system.
import * as path from "node:path";
import * as os from "node:os";
import * as fs from "node:fs";

export type ServerSource = "setting" | "python-environment" | "bundled" | "path";

export interface FoundServer {
  command: string;
  source: ServerSource;
}

/** The Python environment selected in VS Code, as the Python extension resolves it. */
export interface PythonEnvironment {
  /** The interpreter, e.g. `/proj/.venv/bin/python`. */
  executable: string;
  /** `sys.prefix` of the environment, when known. */
  sysPrefix?: string;
}

/** What the output channel says about where the server was found. */
export function describeSource(found: FoundServer, env?: PythonEnvironment): string {
  switch (found.source) {
    case "setting":
      return "found via setting closureLens.server.path";
    case "python-environment":
      return `found via python-environment: the selected interpreter ${env?.executable ?? ""}`.trimEnd();
    case "bundled":
      return "found via bundled: the binary bundled with the extension";
    case "path":
      return "found via PATH";
  }
}

/** The folders where installers put an environment's scripts: `bin/` (or `Scripts\`). */
export function environmentScriptDirs(env: PythonEnvironment, platform: NodeJS.Platform = process.platform): string[] {
  const p = platform === "win32" ? path.win32 : path.posix;
  const dirs: string[] = [];
  if (env.sysPrefix) {
    dirs.push(p.join(env.sysPrefix, platform === "win32" ? "Scripts" : "bin"));
  }
  const interpreterDir = p.dirname(env.executable);
  dirs.push(interpreterDir);
  if (platform === "win32" && p.basename(interpreterDir).toLowerCase() !== "scripts") {
    dirs.push(p.join(interpreterDir, "Scripts")); // a base or conda interpreter: python.exe at the prefix
  }
  return [...new Set(dirs)];
}

export interface NotFound {
  command: undefined;
  /** Why nothing was found: shown to the user as is. */
  message: string;
}

export interface FindServerOptions {
  /** The closureLens.server.path setting (may be empty). */
  configuredPath: string | undefined;
  /** The extension's install folder (context.extensionPath). */
  extensionPath: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative settings. */
  workspaceFolder?: string;
  /** The Python environment selected in VS Code (undefined without the Python extension). */
  pythonEnvironment?: PythonEnvironment;
  /** process.env.PATH by default. */
  envPath?: string;
  /** process.platform by default. */
  platform?: NodeJS.Platform;
  /** os.homedir() by default. */
  homeDir?: string;
  /** Whether `file` exists and is an executable file; fs-based by default. */
  isExecutable?: (file: string) => boolean;
}

// Plain text: VS Code notifications do not render code spans.
export const INSTALL_HINT =
  "Install it into your Python environment with: pip install closure-lens (or uv tool install closure-lens, " +
  "or cargo install closure-lens), or set closureLens.server.path to the binary.";

export function executableName(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "closure-lens.exe" : "closure-lens";
}

export function defaultIsExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}`, and resolves a relative path against the workspace folder. */
export function expandPath(raw: string, home: string, workspaceFolder: string | undefined): string {
  let p = raw.trim();
  if (p === "~") {
    p = home;
  } else if (p.startsWith("~/") || p.startsWith("~\\")) {
    p = path.join(home, p.slice(2));
  }
  if (workspaceFolder !== undefined) {
    p = p.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) {
    p = path.join(workspaceFolder, p);
  }
  return p;
}

export function findServer(opts: FindServerOptions): FoundServer | NotFound {
  const platform = opts.platform ?? process.platform;
  const isExecutable = opts.isExecutable ?? defaultIsExecutable;
  const home = opts.homeDir ?? os.homedir();
  const exe = executableName(platform);

  const configured = (opts.configuredPath ?? "").trim();
  if (configured !== "") {
    const expanded = expandPath(configured, home, opts.workspaceFolder);
    if (isExecutable(expanded)) {
      return { command: expanded, source: "setting" };
    }
    return {
      command: undefined,
      message: `Closure Lens: closureLens.server.path is set to "${configured}", but no executable file is there. ${INSTALL_HINT}`,
    };
  }

  if (opts.pythonEnvironment !== undefined) {
    const join = platform === "win32" ? path.win32.join : path.posix.join;
    for (const dir of environmentScriptDirs(opts.pythonEnvironment, platform)) {
      const candidate = join(dir, exe);
      if (isExecutable(candidate)) {
        return { command: candidate, source: "python-environment" };
      }
    }
  }

  const bundled = path.join(opts.extensionPath, "bin", exe);
  if (isExecutable(bundled)) {
    return { command: bundled, source: "bundled" };
  }

  const envPath = opts.envPath ?? process.env.PATH ?? "";
  const sep = platform === "win32" ? ";" : ":";
  for (const dir of envPath.split(sep)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) {
      return { command: candidate, source: "path" };
    }
  }

  return {
    command: undefined,
    message: `Closure Lens: the closure-lens language server was not found (not bundled with the extension and not on PATH). ${INSTALL_HINT}`,
  };
}
