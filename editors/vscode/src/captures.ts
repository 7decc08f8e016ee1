// The client side of the code lens command `closure-lens.showCaptures`.
// Its arguments are [uri, position, locations] in LSP form, like VS Code's own
// `editor.action.showReferences`, which opens the references peek on them.
import * as vscode from "vscode";

export const SHOW_CAPTURES = "closure-lens.showCaptures";

interface LspPosition {
  line: number;
  character: number;
}
interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
interface LspLocation {
  uri: string;
  range: LspRange;
}

function isPosition(value: unknown): value is LspPosition {
  const v = value as LspPosition;
  return typeof v === "object" && v !== null && typeof v.line === "number" && typeof v.character === "number";
}

function isLocation(value: unknown): value is LspLocation {
  const v = value as LspLocation;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.uri === "string" &&
    typeof v.range === "object" &&
    v.range !== null &&
    isPosition(v.range.start) &&
    isPosition(v.range.end)
  );
}

function toPosition(p: LspPosition): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

function toUri(value: unknown): vscode.Uri {
  if (value instanceof vscode.Uri) {
    return value;
  }
  if (typeof value === "string") {
    return vscode.Uri.parse(value, true);
  }
  throw new Error("expected a URI");
}

/** Converts the LSP-shaped arguments to VS Code objects; throws on malformed arguments. */
export function toReferencesArgs(args: unknown[]): [vscode.Uri, vscode.Position, vscode.Location[]] {
  if (args.length < 3) {
    throw new Error(`${SHOW_CAPTURES} expects [uri, position, locations], got ${args.length} argument(s)`);
  }
  const [uri, position, locations] = args;
  if (!isPosition(position)) {
    throw new Error(`${SHOW_CAPTURES}: the second argument is not a position`);
  }
  if (!Array.isArray(locations) || !locations.every(isLocation)) {
    throw new Error(`${SHOW_CAPTURES}: the third argument is not a list of locations`);
  }
  return [
    toUri(uri),
    toPosition(position),
    locations.map(
      (loc) => new vscode.Location(toUri(loc.uri), new vscode.Range(toPosition(loc.range.start), toPosition(loc.range.end))),
    ),
  ];
}

/** Opens the references peek on the captured variables' bindings. */
export async function showCaptures(...args: unknown[]): Promise<void> {
  const [uri, position, locations] = toReferencesArgs(args);
  await vscode.commands.executeCommand("editor.action.showReferences", uri, position, locations);
}
