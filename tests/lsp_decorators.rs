//! Decorators across modules, end to end: the fixture workspace `tests/workspaces/decorators/`
//! (modules, a package re-exporting from `__init__.py`, relative imports, a `src/` layout, a
//! `.venv` with a fake installed package) served in process and over stdio.
//!
//! The bound-cell view is checked against CPython: `tests/workspaces/decorators.json` is what
//! `tests/oracle/decorated_cells.py` recorded by importing the fixtures under CPython 3.11
//! (regenerate with `tests/oracle/regenerate-decorated`); the hovers must agree with it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::lsp_client::{LspClient, file_uri};
use common::test_server::TestServer;
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workspaces/decorators")
}

fn oracle() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workspaces/decorators.json");
    serde_json::from_str(&fs::read_to_string(path).expect("the oracle file")).expect("JSON")
}

/// `initialize` with `folder` as the one workspace folder, then `initialized`.
fn initialize(client: &mut LspClient, folder: &Path, capabilities: Value) {
    client.call(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "workspaceFolders": [{"uri": file_uri(folder), "name": "ws"}],
            "capabilities": capabilities,
        }),
    );
    client.notify("initialized", json!({}));
}

fn open(client: &mut LspClient, path: &Path) -> String {
    let text = fs::read_to_string(path).expect("fixture");
    client.open(&file_uri(path), &text);
    text
}

/// The LSP position of the `nth` occurrence of `needle` on 1-based `line` (ASCII fixtures).
fn on_line(text: &str, line: usize, needle: &str) -> Value {
    let line_text = text.lines().nth(line - 1).expect("line");
    let column = line_text.find(needle).expect("needle on the line");
    json!({"line": line - 1, "character": column})
}

fn hover(client: &mut LspClient, path: &Path, position: Value) -> String {
    let result = client.at("textDocument/hover", &file_uri(path), position);
    result["contents"]["value"]
        .as_str()
        .unwrap_or("(no hover)")
        .to_owned()
}

/// What a decorated-name hover says, in the oracle's terms: what the name becomes, the cells of
/// its `__closure__` (`[name, value]`), and whether `functools.wraps` was applied.
fn facts(markdown: &str) -> Value {
    let becomes = markdown
        .lines()
        .find_map(|l| l.split_once(" becomes ").map(|(_, rest)| rest))
        .map(|rest| {
            let rest = rest.split(" (").next().unwrap_or(rest);
            rest.replace('`', "").trim_end_matches('.').to_owned()
        });
    let cells: Vec<Value> = markdown
        .lines()
        .filter(|l| l.starts_with("| `[") && !l.contains("__closure__"))
        .map(|row| {
            let columns: Vec<&str> = row.split(" | ").collect();
            let name = columns[1].trim_matches('`');
            json!([name, value(columns[2])])
        })
        .collect();
    json!({
        "becomes": becomes,
        "cells": cells,
        "wraps": !markdown.contains("No `functools.wraps`"),
    })
}

/// A hover's value cell as the oracle writes values: `` `0.5` (default) `` → `0.5`,
/// `` `fetch` (the original function) `` → `function fetch`, `` function `q` `` → `function q`.
fn value(cell: &str) -> String {
    if let Some(original) = cell.strip_suffix(" (the original function)") {
        return format!("function {}", original.trim_matches('`'));
    }
    let cell = cell.strip_suffix(" (default)").unwrap_or(cell);
    cell.replace('`', "")
}

#[test]
fn hovers_on_decorated_names_agree_with_cpython() {
    let folder = fixture();
    let mut server = TestServer::start();
    initialize(&mut server, &folder, json!({}));
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (module, records) in oracle().as_object().expect("modules") {
        let path = folder.join(module);
        let text = open(&mut server, &path);
        for record in records.as_array().expect("records") {
            let name = record["name"].as_str().unwrap();
            let line = record["line"].as_u64().unwrap() as usize;
            let shown = hover(&mut server, &path, on_line(&text, line, name));
            let ours = facts(&shown);
            let mut expected = record.clone();
            let object = expected.as_object_mut().unwrap();
            object.remove("name");
            object.remove("line");
            compared += 1;
            if ours != expected {
                mismatches.push(format!(
                    "{module} `{name}`:\n  CPython: {expected}\n  ours:    {ours}\n  hover:\n{shown}"
                ));
            }
        }
    }
    assert!(
        compared >= 10,
        "the oracle lists the fixtures' decorated names"
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn the_oracle_file_is_what_cpython_records() {
    let Ok(out) = Command::new("python3")
        .arg("tests/oracle/decorated_cells.py")
        .arg("tests/workspaces/decorators")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
    else {
        eprintln!("python3 is not installed: the committed oracle is used as is");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        fresh,
        oracle(),
        "run tests/oracle/regenerate-decorated and review the difference"
    );
}

#[test]
fn hover_on_an_imported_factory_names_the_chain_and_the_bound_values() {
    let folder = fixture();
    let mut server = TestServer::start();
    initialize(&mut server, &folder, json!({}));
    let app = folder.join("app.py");
    let text = open(&mut server, &app);
    let on_argument = hover(&mut server, &app, on_line(&text, 5, "delay=0.5"));
    for expected in [
        "**`fetch`** becomes function `retry.<locals>.decorator.<locals>.wrapper` (`decos`, line 9)",
        "`retry(3, delay=0.5)` binds `times=3`, `delay=0.5` and returns function `retry.<locals>.decorator`",
        "| `[1]` | `fn` | `fetch` (the original function) | `decorator` | read |",
        "No `functools.wraps`",
    ] {
        assert!(
            on_argument.contains(expected),
            "{expected:?} not in:\n{on_argument}"
        );
    }
    let memoized = hover(&mut server, &app, on_line(&text, 10, "memoize"));
    assert!(
        memoized.contains("`functools.wraps`") && !memoized.contains("No `functools.wraps`"),
        "{memoized}"
    );
}

#[test]
fn definition_lands_in_the_other_module() {
    let folder = fixture();
    let mut server = TestServer::start();
    initialize(&mut server, &folder, json!({}));
    let cases = [
        ("app.py", 5, "retry", "decos.py", "def retry"),
        ("app.py", 15, "register", "decos.py", "def register"),
        ("aliases.py", 10, "timed", "pkg/deco_impl.py", "def timed"),
        ("pkg/users.py", 5, "timed", "pkg/deco_impl.py", "def timed"),
        (
            "uses_src.py",
            4,
            "prefixed",
            "src/srclib/__init__.py",
            "def prefixed",
        ),
        (
            "uses_venv.py",
            4,
            "traced",
            ".venv/lib/python3.11/site-packages/fancy/__init__.py",
            "def traced",
        ),
    ];
    for (module, line, name, target, def) in cases {
        let path = folder.join(module);
        let text = open(&mut server, &path);
        let found = server.at(
            "textDocument/definition",
            &file_uri(&path),
            on_line(&text, line, name),
        );
        let target_path = folder.join(target);
        let target_text = fs::read_to_string(&target_path).unwrap();
        let def_line = target_text
            .lines()
            .position(|l| l.starts_with(def))
            .unwrap();
        assert_eq!(
            found[0]["uri"],
            json!(file_uri(&target_path)),
            "{module}:{line} {name}: {found}"
        );
        assert_eq!(
            found[0]["range"]["start"]["line"],
            json!(def_line),
            "{module}:{line} {name}: {found}"
        );
    }
}

#[test]
fn code_lens_above_a_decorated_definition_says_what_it_becomes() {
    let folder = fixture();
    let mut server = TestServer::start();
    initialize(&mut server, &folder, json!({}));
    let app = folder.join("app.py");
    open(&mut server, &app);
    let lenses = server.call(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": file_uri(&app)}}),
    );
    let fetch = lenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["range"]["start"]["line"] == 5)
        .expect("a lens on `def fetch`");
    let title = fetch["command"]["title"].as_str().unwrap();
    assert!(
        title.starts_with("becomes retry.<locals>.decorator.<locals>.wrapper"),
        "{title}"
    );
    let opened: Vec<&str> = fetch["command"]["arguments"][2]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(opened.contains(&file_uri(&folder.join("decos.py")).as_str()));
}

/// A copy of the fixture workspace to edit.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for module in ["decos.py", "app.py"] {
        fs::copy(fixture().join(module), dir.path().join(module)).unwrap();
    }
    dir
}

#[test]
fn editing_the_decorator_module_on_disk_or_in_a_buffer_changes_the_hover() {
    let dir = scratch();
    let folder = dir.path().to_path_buf();
    let mut server = TestServer::start();
    initialize(
        &mut server,
        &folder,
        json!({"workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "codeLens": {"refreshSupport": true},
        }}),
    );
    let app = folder.join("app.py");
    let decos = folder.join("decos.py");
    let text = open(&mut server, &app);
    let at = on_line(&text, 6, "fetch");
    let before = hover(&mut server, &app, at.clone());
    assert!(before.contains("`times=3`, `delay=0.5`"), "{before}");
    let registered = server
        .server_requests
        .iter()
        .any(|r| r["method"] == "client/registerCapability");
    assert!(
        registered,
        "didChangeWatchedFiles is registered dynamically"
    );

    // On disk: the factory's first parameter is renamed.
    let original = fs::read_to_string(&decos).unwrap();
    let renamed = original
        .replace(
            "def retry(times, delay=0.1)",
            "def retry(attempts, delay=0.1)",
        )
        .replace("range(times)", "range(attempts)");
    fs::write(&decos, &renamed).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&decos), "type": 2}]}),
    );
    let after_disk = hover(&mut server, &app, at.clone());
    assert!(
        after_disk.contains("| `attempts` | `3` |") && !after_disk.contains("`times`"),
        "{after_disk}"
    );

    // In an open buffer (not saved): the wrapper no longer sleeps, so it captures no `delay`;
    // the client is asked to refresh the lenses (of app.py), as after the change on disk.
    let refreshes = |server: &TestServer| {
        server
            .server_requests
            .iter()
            .filter(|r| r["method"] == "workspace/codeLens/refresh")
            .count()
    };
    let before_edit = refreshes(&server);
    assert!(before_edit >= 1, "a change on disk refreshes the lenses");
    server.open(&file_uri(&decos), &renamed);
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": file_uri(&decos), "version": 2},
            "contentChanges": [{"text": renamed.replace("time.sleep(delay)", "pass")}],
        }),
    );
    let after_buffer = hover(&mut server, &app, at.clone());
    assert!(
        after_buffer.contains("holds 2 cells") && !after_buffer.contains("| `delay` |"),
        "{after_buffer}"
    );
    assert_eq!(
        refreshes(&server),
        before_edit + 1,
        "an edit to an imported module"
    );
    // An edit to app.py, which nothing imports, refreshes nothing.
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": file_uri(&app), "version": 2},
            "contentChanges": [{"text": text.clone()}],
        }),
    );
    hover(&mut server, &app, at.clone());
    assert_eq!(
        refreshes(&server),
        before_edit + 1,
        "an edit to a module nothing imports"
    );

    // Closed without saving: the disk again.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": file_uri(&decos)}}),
    );
    let after_close = hover(&mut server, &app, at);
    assert!(after_close.contains("| `delay` | `0.5` |"), "{after_close}");
}

#[test]
fn over_stdio_the_hover_follows_the_import() {
    let folder = fixture();
    let mut client = LspClient::spawn();
    initialize(&mut client, &folder, json!({}));
    let app = folder.join("uses_venv.py");
    let text = open(&mut client, &app);
    let shown = hover(&mut client, &app, on_line(&text, 5, "handler"));
    assert!(
        shown.contains("**`handler`** becomes function `traced.<locals>.wrapper` (`fancy`"),
        "{shown}"
    );
    assert!(client.shutdown_and_exit().success());
}

/// A value of `check`'s `"decorated"` facts as the oracle writes values.
fn json_value(value: &Value) -> String {
    let text = value["value"].as_str().unwrap_or("?");
    match value["kind"].as_str() {
        Some("function" | "original") => format!("function {text}"),
        Some("class") => format!("class {text}"),
        _ => text.to_owned(),
    }
}

#[test]
fn check_json_lists_what_decorated_scopes_become_as_cpython_does() {
    let folder = fixture();
    let out = Command::new(env!("CARGO_BIN_EXE_closure-lens"))
        .args(["check", "--no-cache", "--output-format", "json", "."])
        .current_dir(&folder)
        .output()
        .expect("run check");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut mismatches = Vec::new();
    for (module, records) in oracle().as_object().unwrap() {
        let file = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(module.as_str()))
            .unwrap_or_else(|| panic!("{module} in {report}"));
        for record in records.as_array().unwrap() {
            let scope = file["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == record["name"] && s["line"] == record["line"])
                .unwrap_or_else(|| panic!("scope {} in {module}", record["name"]));
            let last = &scope["decorated"]
                .as_array()
                .expect("decorated")
                .last()
                .expect("a step")["result"];
            let cells: Vec<Value> = last["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| json!([c["name"], json_value(c)]))
                .collect();
            let ours = json!({
                "becomes": json_value(last),
                "cells": cells,
                "wraps": last["wraps"],
            });
            let mut expected = record.clone();
            let object = expected.as_object_mut().unwrap();
            object.remove("name");
            object.remove("line");
            if ours != expected {
                mismatches.push(format!(
                    "{module} {}: CPython {expected}, ours {ours}",
                    record["name"]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
