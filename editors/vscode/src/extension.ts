import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import { describeSource, findServer } from "./serverPath";
import { PYTHON_EXTENSION_ID, pythonApi, selectedEnvironment } from "./pythonEnvironment";
import { semanticTokensEnabled, settingsPayload } from "./settings";
import { SHOW_CAPTURES, showCaptures } from "./captures";

const SECTION = "closureLens";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let traceOutput: vscode.OutputChannel | undefined;
/** The client-side registration of closure-lens.showCaptures (only when the server does not claim it). */
let captureCommand: vscode.Disposable | undefined;
/** The "not found" notification is shown once per session, not on every restart or Python file. */
let notFoundShown = false;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function log(message: string): void {
  output?.appendLine(`[${new Date().toISOString()}] ${message}`);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const configuredPath = config().get<string>("server.path");
  // Only ask the Python extension when its answer can matter.
  const pythonEnvironment = configuredPath?.trim()
    ? undefined
    : await selectedEnvironment(await pythonApi(vscode.extensions.getExtension(PYTHON_EXTENSION_ID)), folder?.uri);
  const found = findServer({
    configuredPath,
    extensionPath: context.extensionPath,
    workspaceFolder: folder?.uri.fsPath,
    pythonEnvironment,
  });
  if (found.command === undefined) {
    log(found.message);
    if (!notFoundShown) {
      notFoundShown = true;
      const choice = await vscode.window.showErrorMessage(found.message, "Open Settings", "Show Output");
      if (choice === "Open Settings") {
        await vscode.commands.executeCommand("workbench.action.openSettings", "closureLens.server.path");
      } else if (choice === "Show Output") {
        output?.show(true);
      }
    }
    return;
  }
  if (pythonEnvironment !== undefined && found.source !== "python-environment" && found.source !== "setting") {
    log(`no closure-lens in the selected Python environment (${pythonEnvironment.executable})`);
  }
  log(`starting ${found.command} (${describeSource(found, pythonEnvironment)})`);

  const serverOptions: ServerOptions = {
    run: { command: found.command, args: ["serve", "--stdio"] },
    debug: { command: found.command, args: ["serve", "--stdio"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    initializationOptions: settingsPayload(config()),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // If the server also advertises the command, run it on the client anyway: it is a UI action.
      executeCommand: async (command, args, next) => {
        if (command === SHOW_CAPTURES) {
          return showCaptures(...args);
        }
        return next(command, args);
      },
      // Without tokens from us, VS Code shows another provider's (it uses one per file).
      provideDocumentSemanticTokens: (document, token, next) =>
        semanticTokensEnabled(config()) ? next(document, token) : null,
      provideDocumentSemanticTokensEdits: (document, previousResultId, token, next) =>
        semanticTokensEnabled(config()) ? next(document, previousResultId, token) : null,
      provideDocumentRangeSemanticTokens: (document, range, token, next) =>
        semanticTokensEnabled(config()) ? next(document, range, token) : null,
    },
  };

  // The id "closureLens" makes the client honour the closureLens.trace.server setting.
  const newClient = new LanguageClient(SECTION, "Closure Lens", serverOptions, clientOptions);
  client = newClient;
  try {
    await newClient.start();
  } catch (err) {
    log(`the server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(`Closure Lens: the server (${found.command}) failed to start: ${String(err)}`, "Show Output").then(
      (choice) => choice && output?.show(true),
    );
    return;
  }
  const serverCommands = newClient.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!serverCommands.includes(SHOW_CAPTURES) && captureCommand === undefined) {
    captureCommand = vscode.commands.registerCommand(SHOW_CAPTURES, showCaptures);
  }
  const info = newClient.initializeResult?.serverInfo;
  log(`started ${info ? `${info.name} ${info.version ?? ""}`.trim() : "server"}`);
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  captureCommand?.dispose();
  captureCommand = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      log(`stopping the server failed: ${String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  log("restarting");
  await stopClient();
  notFoundShown = false;
  await startClient(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Closure Lens");
  traceOutput = vscode.window.createOutputChannel("Closure Lens Trace");
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("closureLens.restartServer", () => restart(context)),
    vscode.commands.registerCommand("closureLens.showOutput", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        await restart(context);
        return;
      }
      if (client?.isRunning()) {
        // Settings reach the running server; no restart needed (trace.server is handled by the client).
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: settingsPayload(config()) });
      }
    }),
    { dispose: () => void stopClient() },
  );
  // Selecting another interpreter may select another closure-lens.
  const python = await pythonApi(vscode.extensions.getExtension(PYTHON_EXTENSION_ID));
  const subscription = python?.environments.onDidChangeActiveEnvironmentPath?.(() => {
    if (!config().get<string>("server.path")?.trim()) {
      void restart(context);
    }
  });
  if (subscription) {
    context.subscriptions.push({ dispose: () => void subscription.dispose() });
  }
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
