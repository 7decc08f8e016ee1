//! References, rename and semantic tokens through the real server core in process: the protocol
//! side (capabilities, encodings, errors, annotations, deltas). What the features compute is
//! tested in `ide` and judged by CPython in `tests/rename_cpython.rs`.

mod common;

use common::lsp_client::{apply_text_edits, pos_of};
use common::test_server::TestServer;
use serde_json::{Value, json};

const URI: &str = "file:///seed/editing.py";

const TEXT: &str = "def make_counter():
    count = 0
    def increment():
        nonlocal count
        count += 1
        return count
    return increment

count = 'module'
print(count)
";

/// A server with `TEXT` open, and its `initialize` result.
fn started(capabilities: Value) -> (TestServer, Value) {
    let mut client = TestServer::start();
    let initialized = client.initialize(capabilities, Value::Null);
    client.open(URI, TEXT);
    (client, initialized)
}

fn lines(locations: &Value) -> Vec<u64> {
    locations
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn references_follow_the_cell_and_not_the_global_of_the_same_name() {
    let (mut client, _) = started(json!({}));
    let at = pos_of(TEXT, "count += 1", 0, 0);
    let params = |include| json!({"textDocument": {"uri": URI}, "position": at, "context": {"includeDeclaration": include}});
    let all = client.call("textDocument/references", params(true));
    assert_eq!(lines(&all), [1, 3, 4, 5], "{all}");
    let reads = client.call("textDocument/references", params(false));
    assert_eq!(lines(&reads), [3, 5], "{reads}");
    let nowhere = client.call(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": 6, "character": 4}, "context": {"includeDeclaration": true}}),
    );
    assert_eq!(nowhere, Value::Null);
}

#[test]
fn rename_with_prepare_renames_every_spelling_of_the_cell() {
    let (mut client, initialized) =
        started(json!({"textDocument": {"rename": {"prepareSupport": true}}}));
    let caps = &initialized["capabilities"];
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    let at = pos_of(TEXT, "return count", 0, 9);
    let prepared = client.call(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": URI}, "position": at}),
    );
    assert_eq!(prepared["placeholder"], "count");
    assert_eq!(prepared["range"]["start"]["line"], 5);
    let edit = client.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": at, "newName": "total"}),
    );
    let renamed = apply_text_edits(TEXT, &edit["changes"][URI]);
    assert_eq!(
        renamed,
        TEXT.replacen("count = 0", "total = 0", 1)
            .replacen("nonlocal count", "nonlocal total", 1)
            .replacen("count += 1", "total += 1", 1)
            .replacen("return count", "return total", 1)
    );
}

#[test]
fn a_rename_that_changes_meaning_is_refused_with_the_reason() {
    let (mut client, _) = started(json!({}));
    // Renaming the cell to `increment` would make `nonlocal` bind the function.
    let at = pos_of(TEXT, "count = 0", 0, 0);
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": at, "newName": "increment"}),
    );
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("closure-lens: "), "{message}");
    let keyword = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": at, "newName": "lambda"}),
    );
    assert_eq!(keyword["error"]["code"], -32803, "{keyword}");
    // Not a name: prepareRename says so.
    let prepared = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": URI}, "position": pos_of(TEXT, "'module'", 0, 2)}),
    );
    assert_eq!(prepared["error"]["code"], -32803, "{prepared}");
}

#[test]
fn rename_warnings_ask_for_confirmation_or_are_shown() {
    // `obj.x` may or may not mean the local `x`: renaming `x` warns about it.
    let text = "def f(obj):\n    x = 1\n    return obj.x + x\n";
    let uri = "file:///seed/warn.py";
    let at = pos_of(text, "x = 1", 0, 0);
    let rename = json!({"textDocument": {"uri": uri}, "position": at, "newName": "aid"});

    let mut annotated = TestServer::start();
    annotated.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true, "changeAnnotationSupport": {}}}}),
        Value::Null,
    );
    annotated.open(uri, text);
    let edit = annotated.call("textDocument/rename", rename.clone());
    let annotation = &edit["changeAnnotations"]["closure-lens.renameWarnings"];
    assert!(
        annotation["description"].as_str().unwrap().contains(".x"),
        "{edit}"
    );
    assert_eq!(annotation["needsConfirmation"], true, "{edit}");
    assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 1);

    let mut plain = TestServer::start();
    plain.initialize_default();
    plain.open(uri, text);
    let edit = plain.call("textDocument/rename", rename);
    assert!(edit["changes"][uri].is_array(), "{edit}");
    let shown = plain.wait_notification("window/showMessage", |_| true);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains(annotation["description"].as_str().unwrap()),
        "{shown}"
    );
}

/// Decodes relative tokens into `(line, start, length, type, modifiers)`.
fn decode(data: &Value) -> Vec<[u64; 5]> {
    let (mut line, mut start) = (0, 0);
    data.as_array()
        .unwrap()
        .chunks(5)
        .map(|t| {
            let t: Vec<u64> = t.iter().map(|v| v.as_u64().unwrap()).collect();
            if t[0] > 0 {
                start = 0;
            }
            line += t[0];
            start += t[1];
            [line, start, t[2], t[3], t[4]]
        })
        .collect()
}

/// Applies `semanticTokens/full/delta` edits to the previous flat data.
fn apply_delta(previous: &Value, edits: &Value) -> Value {
    let mut data: Vec<Value> = previous.as_array().unwrap().clone();
    for edit in edits.as_array().unwrap().iter().rev() {
        let start = edit["start"].as_u64().unwrap() as usize;
        let deleted = edit["deleteCount"].as_u64().unwrap() as usize;
        let inserted = edit["data"].as_array().cloned().unwrap_or_default();
        data.splice(start..start + deleted, inserted);
    }
    Value::Array(data)
}

#[test]
fn semantic_tokens_full_delta_and_range_agree() {
    let (mut client, initialized) = started(json!({}));
    let legend = &initialized["capabilities"]["semanticTokensProvider"]["legend"];
    let modifiers: Vec<&str> = legend["tokenModifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let bit = |name: &str| 1u64 << modifiers.iter().position(|&m| m == name).unwrap();
    let full = client.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    let tokens = decode(&full["data"]);
    // `count += 1` is a write through `nonlocal` to a captured cell.
    let line = 4;
    let write = tokens
        .iter()
        .find(|t| t[0] == line && t[1] == 8)
        .unwrap_or_else(|| panic!("no token at 4:8 in {tokens:?}"));
    assert_ne!(write[4] & bit("nonlocalWrite"), 0, "{write:?}");
    assert_ne!(write[4] & bit("captured"), 0, "{write:?}");
    // Its binding in the owner is a cell.
    let binding = tokens.iter().find(|t| t[0] == 1 && t[1] == 4).unwrap();
    assert_ne!(binding[4] & bit("cell"), 0, "{binding:?}");

    // The range request returns the same tokens for those lines.
    let range = client.call(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 3, "character": 0}, "end": {"line": 6, "character": 0}}}),
    );
    let in_range: Vec<[u64; 5]> = tokens
        .iter()
        .copied()
        .filter(|t| (3..6).contains(&t[0]))
        .collect();
    assert_eq!(decode(&range["data"]), in_range);

    // An edit, then a delta from the last result equals a fresh full result.
    let previous_id = full["resultId"].as_str().unwrap().to_owned();
    client.change(
        URI,
        2,
        pos_of(TEXT, "    return increment", 0, 0),
        pos_of(TEXT, "    return increment", 0, 0),
        "    step = count\n",
    );
    let delta = client.call(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": {"uri": URI}, "previousResultId": previous_id}),
    );
    assert!(delta["edits"].is_array(), "{delta}");
    let patched = apply_delta(&full["data"], &delta["edits"]);
    let fresh = client.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(patched, fresh["data"]);
    // A stale result id gets every token.
    let stale = client.call(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": {"uri": URI}, "previousResultId": previous_id}),
    );
    assert_eq!(stale["data"], fresh["data"]);
}
