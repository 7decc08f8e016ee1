//! Closure-bug diagnostics and their fixes through the real server core in process: what the
//! editor receives (code, documentation link, related places, tags) and the code actions. Which
//! code is a bug is judged by CPython in `tests/closure_bugs_diagnostics.rs`.

mod common;

use common::lsp_client::{apply_text_edits, pos_of};
use common::test_server::TestServer;
use serde_json::{Value, json};

const URI: &str = "file:///seed/bugs.py";

const TEXT: &str = "def make():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return fs

def make_show():
    total = 10
    def show():
        nonlocal total
        return total
    return show

print([f() for f in make()])
";

fn published(client: &mut TestServer, uri: &str, version: i32) -> Vec<Value> {
    let params = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == version
    });
    params["diagnostics"].as_array().unwrap().clone()
}

fn by_code<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

fn actions(client: &mut TestServer, range: Value, only: Option<&str>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    let result = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": range, "context": context}),
    );
    result.as_array().unwrap().clone()
}

#[test]
fn a_closure_bug_comes_with_its_docs_related_places_and_tags() {
    let mut client = TestServer::start();
    let initialized = client.initialize_default();
    let kinds = &initialized["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source.fixAll.closure-lens"]));
    client.open(URI, TEXT);
    let diagnostics = published(&mut client, URI, 1);

    let late = by_code(&diagnostics, "late-binding");
    assert_eq!(late["source"], "closure-lens");
    assert_eq!(late["range"]["start"], pos_of(TEXT, "lambda: i", 0, 0));
    assert!(
        late["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/diagnostics.md#late-binding"),
        "{late}"
    );
    let related = late["relatedInformation"].as_array().unwrap();
    assert!(!related.is_empty(), "{late}");
    assert!(related.iter().all(|r| r["location"]["uri"] == URI));

    let unused = by_code(&diagnostics, "unused-declaration");
    assert_eq!(unused["tags"], json!([1]), "{unused}");
    assert_eq!(unused["severity"], 4);
}

#[test]
fn the_preferred_quick_fix_removes_the_bug() {
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let diagnostics = published(&mut client, URI, 1);
    let late = by_code(&diagnostics, "late-binding").clone();

    let offered = actions(&mut client, late["range"].clone(), None);
    let quick: Vec<&Value> = offered.iter().filter(|a| a["kind"] == "quickfix").collect();
    assert!(!quick.is_empty(), "{offered:#?}");
    let preferred: Vec<&&Value> = quick.iter().filter(|a| a["isPreferred"] == true).collect();
    assert_eq!(preferred.len(), 1, "{quick:#?}");
    let fix = preferred[0];
    assert_eq!(fix["diagnostics"][0]["code"], "late-binding");
    let fixed = apply_text_edits(TEXT, &fix["edit"]["changes"][URI]);
    assert!(fixed.contains("lambda i=i: i"), "{fixed}");

    // The fixed text is not flagged again.
    let fixed_uri = "file:///seed/fixed.py";
    client.open(fixed_uri, &fixed);
    let again = published(&mut client, fixed_uri, 1);
    assert!(
        again.iter().all(|d| d["code"] != "late-binding"),
        "{again:#?}"
    );

    // Nothing to fix away from the findings.
    let elsewhere =
        json!({"start": {"line": 13, "character": 0}, "end": {"line": 13, "character": 1}});
    let none = actions(&mut client, elsewhere, Some("quickfix"));
    assert!(none.is_empty(), "{none:#?}");
}

#[test]
fn fix_all_applies_every_safe_fix_when_asked_for_it() {
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let offered = actions(&mut client, whole.clone(), Some("source.fixAll"));
    assert_eq!(offered.len(), 1, "{offered:#?}");
    assert_eq!(offered[0]["kind"], "source.fixAll.closure-lens");
    let fixed = apply_text_edits(TEXT, &offered[0]["edit"]["changes"][URI]);
    let fixed_uri = "file:///seed/fixed_all.py";
    client.open(fixed_uri, &fixed);
    let left = published(&mut client, fixed_uri, 1);
    // Every diagnostic left had no safe fix.
    let before = published(&mut client, URI, 1);
    for d in &left {
        assert!(
            before.iter().any(|b| b["code"] == d["code"]),
            "fix-all made a new finding: {d}"
        );
    }
    assert!(left.len() < before.len(), "{left:#?}");
    // Quick fixes are not source actions.
    let only_quick = actions(&mut client, whole, Some("quickfix"));
    assert!(only_quick.iter().all(|a| a["kind"] == "quickfix"));
}

#[test]
fn the_hover_on_a_flagged_closure_explains_it_in_the_diagnostic_s_words() {
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let diagnostics = published(&mut client, URI, 1);
    let late = by_code(&diagnostics, "late-binding");
    let message = late["message"].as_str().unwrap();
    // On the lambda, and on the `i` it shares.
    for at in [pos_of(TEXT, "lambda: i", 0, 0), pos_of(TEXT, "i)", 0, 0)] {
        let hover = client.call(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": at}),
        );
        let markdown = hover["contents"]["value"].as_str().unwrap();
        assert!(
            markdown.contains(&format!("**late-binding** (warning): {message}.")),
            "{markdown}"
        );
    }
}

/// A pull naming the previous report's result id gets an unchanged report while the
/// diagnostics read the same, and a full one (a new id) as soon as one differs or the id is
/// not the last one sent.
#[test]
fn a_pull_that_names_the_previous_report_is_told_when_nothing_changed() {
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let pull = |client: &mut TestServer, previous: Option<&Value>| {
        let mut params = json!({"textDocument": {"uri": URI}});
        if let Some(id) = previous {
            params["previousResultId"] = id.clone();
        }
        client.call("textDocument/diagnostic", params)
    };
    let first = pull(&mut client, None);
    assert_eq!(first["kind"], "full", "{first}");
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2), "{first}");
    let id = first["resultId"].clone();
    assert!(id.is_string(), "{first}");

    // A comment at the end of a line: no diagnostic moves.
    let mut version = 1;
    let mut edit = |client: &mut TestServer, line: u32, character: u32, text: &str| {
        version += 1;
        let at = json!({"line": line, "character": character});
        client.change(URI, version, at.clone(), at, text);
    };
    edit(&mut client, 0, 11, "  # made");
    let same = pull(&mut client, Some(&id));
    assert_eq!(same, json!({"kind": "unchanged", "resultId": id}));

    // A line before the diagnostics: they move, the report is full again, with a new id.
    edit(&mut client, 0, 0, "import os\n");
    let moved = pull(&mut client, Some(&id));
    assert_eq!(moved["kind"], "full", "{moved}");
    assert_ne!(moved["resultId"], id);
    let line = |report: &Value| report["items"][0]["range"]["start"]["line"].clone();
    assert_eq!(line(&moved), json!(line(&first).as_u64().unwrap() + 1));

    // An id that is not the last one sent: full.
    let stale = pull(&mut client, Some(&id));
    assert_eq!(stale["kind"], "full", "{stale}");
    let last = stale["resultId"].clone();
    assert_eq!(pull(&mut client, Some(&last))["kind"], "unchanged");
}
