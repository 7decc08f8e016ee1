import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { showCaptures, toReferencesArgs } from "../src/captures";

// The stub records executed commands.
const executed = (vscode as unknown as { executed: { command: string; args: unknown[] }[] }).executed;

const uri = "file:///ws/counter.py";
const args = [
  uri,
  { line: 2, character: 8 },
  [
    { uri, range: { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } } },
    { uri: "file:///ws/other.py", range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } },
  ],
];

test("the lens arguments become VS Code objects", () => {
  const [u, pos, locs] = toReferencesArgs(args);
  assert.equal(u.toString(), uri);
  assert.deepEqual([pos.line, pos.character], [2, 8]);
  assert.equal(locs.length, 2);
  assert.ok(locs[0] instanceof vscode.Location);
  assert.equal(locs[1].uri.toString(), "file:///ws/other.py");
  assert.deepEqual([locs[0].range.start.line, locs[0].range.start.character, locs[0].range.end.character], [1, 4, 9]);
});

test("showCaptures opens VS Code's references peek", async () => {
  executed.length = 0;
  await showCaptures(...args);
  assert.equal(executed.length, 1);
  assert.equal(executed[0].command, "editor.action.showReferences");
  const [u, pos, locs] = executed[0].args as [vscode.Uri, vscode.Position, vscode.Location[]];
  assert.equal(u.toString(), uri);
  assert.equal(pos.line, 2);
  assert.equal(locs.length, 2);
});

test("an empty capture list is still valid", () => {
  const [, , locs] = toReferencesArgs([uri, { line: 0, character: 0 }, []]);
  assert.deepEqual(locs, []);
});

test("malformed arguments are rejected with a clear error", () => {
  assert.throws(() => toReferencesArgs([uri]), /expects \[uri, position, locations\]/);
  assert.throws(() => toReferencesArgs([uri, { line: "x" }, []]), /not a position/);
  assert.throws(() => toReferencesArgs([uri, { line: 0, character: 0 }, [{ uri }]]), /not a list of locations/);
});
