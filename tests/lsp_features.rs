//! Feature tests: the real server core in process (`TestServer`), on the seed closure patterns.

mod common;

use common::lsp_client::{LspClient, hint_label, offset_of, pos_of, utf16_pos};
use common::test_server::TestServer;
use serde_json::{Value, json};

const URI: &str = "file:///seed/patterns.py";

const SEED: &str = r#"def make_adder(n):
    def add(x):
        return x + n
    return add

def make_counter():
    count = 0
    step = 1
    def increment():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = 0
    return increment, reset

def unrelated():
    count = 5
    return count

def logged(func):
    def wrapper(*args, **kwargs):
        print("calling", func.__name__)
        return func(*args, **kwargs)
    return wrapper

@logged
def greet(name):
    return "hi " + name

def build_buttons(labels):
    buttons = []
    clicks = 0
    for label in labels:
        def on_click(label=label):
            nonlocal clicks
            clicks += 1
            print(label)
        buttons.append(on_click)
    return buttons

def factories():
    fs = []
    for i in range(3):
        def f():
            return i
        fs.append(f)
    return fs

def late_bound():
    return [lambda: i for i in range(3)]

class Base:
    def hello(self):
        return "base"

class Child(Base):
    def hello(self):
        return super().hello() + "!"
"#;

fn started() -> TestServer {
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, SEED);
    client
}

/// The line (0-based) of the first line containing `needle`.
fn line_of(needle: &str) -> u64 {
    SEED[..offset_of(SEED, needle, 0)].matches('\n').count() as u64
}

/// Hint labels by the line they sit on.
fn hints_by_line(hints: &Value) -> Vec<(u64, String)> {
    hints
        .as_array()
        .expect("hints array")
        .iter()
        .map(|h| (h["position"]["line"].as_u64().unwrap(), hint_label(h)))
        .collect()
}

#[test]
fn inlay_hints_on_every_seed_closure() {
    let mut client = started();
    let hints = client.all_hints(URI);
    let got = hints_by_line(&hints);
    let expected = vec![
        (line_of("def add(x):"), "captures(n)".to_owned()),
        (
            line_of("def increment():"),
            "captures(nonlocal count, step)".to_owned(),
        ),
        (
            line_of("def reset():"),
            "captures(nonlocal count)".to_owned(),
        ),
        (line_of("def wrapper("), "captures(func)".to_owned()),
        (
            line_of("def on_click("),
            "captures(nonlocal clicks)".to_owned(),
        ),
        (line_of("def f():"), "captures(i)".to_owned()),
        (line_of("lambda: i"), "captures(i)".to_owned()),
        (
            line_of("return super()") - 1,
            "captures(__class__)".to_owned(),
        ),
    ];
    assert_eq!(got, expected, "{hints:#}");

    // Placement: just after the header's `:`; the lambda's after its own `:`.
    let add = &hints[0];
    assert_eq!(
        add["position"],
        pos_of(SEED, "def add(x):", 0, "def add(x):".len())
    );
    let lambda = &hints[6];
    assert_eq!(
        lambda["position"],
        pos_of(SEED, "lambda:", 0, "lambda:".len())
    );

    // Each name part points at the binding that made the cell.
    let parts = hints[1]["label"].as_array().unwrap();
    let count = parts
        .iter()
        .find(|p| p["value"] == "nonlocal count")
        .unwrap();
    let step = parts.iter().find(|p| p["value"] == "step").unwrap();
    assert_eq!(count["location"]["uri"], URI);
    assert_eq!(
        count["location"]["range"]["start"],
        pos_of(SEED, "count = 0", 0, 0)
    );
    assert_eq!(
        step["location"]["range"]["start"],
        pos_of(SEED, "step = 1", 0, 0)
    );
    assert!(
        count["tooltip"]["value"]
            .as_str()
            .unwrap()
            .contains("make_counter")
    );
    assert!(
        count["tooltip"]["value"]
            .as_str()
            .unwrap()
            .contains("nonlocal")
    );
    let n = hints[0]["label"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["value"] == "n")
        .unwrap();
    assert_eq!(n["location"]["range"]["start"], pos_of(SEED, "n):", 0, 0));
    // __class__ points at the class that owns the implicit cell.
    let class_part = hints[7]["label"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["value"] == "__class__")
        .unwrap();
    assert_eq!(
        class_part["location"]["range"]["start"],
        pos_of(SEED, "Child(Base)", 0, 0)
    );
}

#[test]
fn inlay_hints_honour_the_requested_range() {
    let mut client = started();
    let start = json!({"line": line_of("def make_counter"), "character": 0});
    let end = json!({"line": line_of("return increment, reset"), "character": 0});
    let hints = client.inlay_hints(URI, start, end);
    let labels: Vec<String> = hints_by_line(&hints).into_iter().map(|(_, l)| l).collect();
    assert_eq!(
        labels,
        ["captures(nonlocal count, step)", "captures(nonlocal count)"]
    );
    let none = client.inlay_hints(
        URI,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 3}),
    );
    assert_eq!(none, json!([]));
}

fn hover_text(client: &mut LspClient, needle: &str, nth: usize, delta: usize) -> String {
    let hover = client.at("textDocument/hover", URI, pos_of(SEED, needle, nth, delta));
    assert_eq!(
        hover["contents"]["kind"], "markdown",
        "hover on {needle:?}: {hover}"
    );
    hover["contents"]["value"].as_str().unwrap().to_owned()
}

#[test]
fn hover_on_a_closure_shows_its_closure_table() {
    let mut client = started();
    // On the name and on the `def` keyword.
    for delta in ["def ".len(), 0] {
        let text = hover_text(&mut client, "def increment", 0, delta);
        assert!(text.contains("```python\ndef increment():"), "{text}");
        assert!(
            text.contains("| `[0]` | `count` | `make_counter` | line 7 | written (`nonlocal`) |"),
            "{text}"
        );
        assert!(
            text.contains("| `[1]` | `step` | `make_counter` | line 8 | read |"),
            "{text}"
        );
        assert!(text.contains("Each call of `make_counter`"), "{text}");
        assert!(text.contains("fresh cells"), "{text}");
    }
    // The lambda keyword of a late-bound lambda.
    let text = hover_text(&mut client, "lambda: i", 0, 0);
    assert!(text.contains("`i`"), "{text}");
    // A method using super(): the implicit __class__ cell.
    let text = hover_text(&mut client, "def hello(self):\n        return super", 0, 4);
    assert!(text.contains("`__class__`"), "{text}");
    assert!(text.contains("`Child`"), "{text}");
}

#[test]
fn hover_on_free_variable_cell_and_declarations() {
    let mut client = started();
    // A use of a free variable: where its cell lives, its binding, who else shares it.
    let text = hover_text(&mut client, "count += step", 0, "count += ".len());
    assert!(text.contains("free variable of `increment`"), "{text}");
    assert!(text.contains("owned by `make_counter`"), "{text}");
    assert!(text.contains("step = 1  # line 8"), "{text}");
    // A binding that is a cell: who captures it and who writes it.
    let text = hover_text(&mut client, "count = 0", 0, 0);
    assert!(text.contains("cell variable of `make_counter`"), "{text}");
    assert!(
        text.contains("`increment` (writes through `nonlocal`)"),
        "{text}"
    );
    assert!(
        text.contains("`reset` (writes through `nonlocal`)"),
        "{text}"
    );
    // nonlocal x: what it refers to.
    let text = hover_text(&mut client, "nonlocal count", 0, "nonlocal ".len());
    assert!(
        text.contains("refers to the cell of `count` in `make_counter`"),
        "{text}"
    );
    // Nothing to say about an unrelated local.
    let hover = client.at("textDocument/hover", URI, pos_of(SEED, "count = 5", 0, 0));
    assert_eq!(hover, Value::Null);
}

#[test]
fn hover_on_a_decorator_shows_what_the_wrapper_closes_over() {
    let mut client = started();
    let text = hover_text(&mut client, "@logged", 0, 2);
    // What applying it does (the decorator chain), and the cell the wrapper closes over.
    assert!(
        text.contains("becomes function `logged.<locals>.wrapper` (line 23)"),
        "{text}"
    );
    assert!(
        text.contains("`logged(greet)` binds `func=greet`"),
        "{text}"
    );
    assert!(
        text.contains("| `[0]` | `func` | `greet` (the original function) | `logged` | read |"),
        "{text}"
    );
}

#[test]
fn hover_on_a_loop_of_factories_and_buttons() {
    let mut client = started();
    let text = hover_text(&mut client, "def f():", 0, 4);
    assert!(text.contains("| `[0]` | `i` | `factories` |"), "{text}");
    let text = hover_text(&mut client, "def on_click", 0, 4);
    assert!(text.contains("`clicks`"), "{text}");
    assert!(
        !text.contains("| `label`"),
        "default-argument binding is not a capture: {text}"
    );
}

#[test]
fn code_lenses_for_cell_owners_and_closures() {
    let mut client = started();
    let lenses = client.call(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let titles: Vec<(u64, String)> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["command"]["command"], "closure-lens.showCaptures");
            (
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["command"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |line: u64, title: &str| titles.iter().any(|(l, t)| *l == line && t == title);
    assert!(
        has(
            line_of("def make_counter"),
            "cells: count → increment, reset; step → increment"
        ),
        "{titles:#?}"
    );
    assert!(
        has(
            line_of("def increment"),
            "closes over nonlocal count, step from make_counter"
        ),
        "{titles:#?}"
    );
    assert!(
        has(line_of("def make_adder"), "cells: n → add"),
        "{titles:#?}"
    );
    assert!(
        has(line_of("def add("), "closes over n from make_adder"),
        "{titles:#?}"
    );
    assert!(
        has(line_of("def wrapper"), "closes over func from logged"),
        "{titles:#?}"
    );
    assert!(
        !titles.iter().any(|(l, _)| *l == line_of("def unrelated")),
        "{titles:#?}"
    );

    // Arguments: [uri, position, locations], the shape of editor.action.showReferences.
    let lens = lenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["command"]["title"] == "closes over nonlocal count, step from make_counter")
        .unwrap();
    let args = lens["command"]["arguments"].as_array().unwrap();
    assert_eq!(args[0], URI);
    assert_eq!(args[1], pos_of(SEED, "increment():", 0, 0));
    let starts: Vec<&Value> = args[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"]["start"])
        .collect();
    assert_eq!(
        starts,
        [
            &pos_of(SEED, "count = 0", 0, 0),
            &pos_of(SEED, "step = 1", 0, 0)
        ]
    );

    // Executing the command is a no-op for the server.
    let result = client.call(
        "workspace/executeCommand",
        json!({"command": "closure-lens.showCaptures", "arguments": args}),
    );
    assert_eq!(result, Value::Null);
}

#[test]
fn document_highlight_follows_the_shared_cell_only() {
    let mut client = started();
    let highlights = client.at(
        "textDocument/documentHighlight",
        URI,
        pos_of(SEED, "count += step", 0, 0),
    );
    let got: Vec<(Value, u64)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["range"]["start"].clone(), h["kind"].as_u64().unwrap()))
        .collect();
    let lines: Vec<u64> = got
        .iter()
        .map(|(p, _)| p["line"].as_u64().unwrap())
        .collect();
    // count = 0, nonlocal (increment), count += step, return count, nonlocal (reset), count = 0.
    assert!(lines.contains(&line_of("count = 0")));
    assert!(lines.contains(&line_of("return count\n    def reset")));
    assert!(lines.contains(&(line_of("def reset") + 2)));
    assert!(
        !lines.contains(&line_of("count = 5")),
        "unrelated variable highlighted: {got:?}"
    );
    assert!(!lines.contains(&line_of("return count\n\ndef logged")));
    let kind_at = |needle: &str, delta: usize| {
        let p = pos_of(SEED, needle, 0, delta);
        got.iter().find(|(s, _)| *s == p).map(|(_, k)| *k)
    };
    assert_eq!(kind_at("count = 0", 0), Some(3), "binding is Write");
    assert_eq!(
        kind_at("return count\n    def reset", "return ".len()),
        Some(2),
        "use is Read"
    );
}

#[test]
fn definition_of_a_captured_name_is_its_binding_in_the_owner() {
    let mut client = started();
    let def = client.at("textDocument/definition", URI, pos_of(SEED, "x + n", 0, 4));
    let locations = def.as_array().expect("location list");
    assert_eq!(locations.len(), 1, "{def}");
    assert_eq!(locations[0]["uri"], URI);
    assert_eq!(locations[0]["range"]["start"], pos_of(SEED, "n):", 0, 0));
    let def = client.at(
        "textDocument/definition",
        URI,
        pos_of(SEED, "return i\n", 0, 7),
    );
    assert_eq!(
        def[0]["range"]["start"],
        pos_of(SEED, "i in range(3):", 0, 0)
    );
    // Nothing for a builtin.
    let def = client.at(
        "textDocument/definition",
        URI,
        pos_of(SEED, "print(label)", 0, 0),
    );
    assert_eq!(def, Value::Null);
}

#[test]
fn diagnostics_are_pushed_on_open_and_change() {
    let mut client = TestServer::start();
    client.initialize_default();
    let uri = "file:///seed/errors.py";
    let text = "def f():\n    nonlocal x\n    return 1\n";
    client.open(uri, text);
    let published =
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{published}");
    assert_eq!(diags[0]["source"], "closure-lens");
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(diags[0]["message"], "no binding for nonlocal 'x' found");
    assert_eq!(diags[0]["range"]["start"]["line"], 1);
    // Fix it: the next push for version 2 is empty.
    client.change(
        uri,
        2,
        pos_of(text, "nonlocal x", 0, 0),
        pos_of(text, "nonlocal x", 0, 10),
        "x = 1",
    );
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    assert_eq!(published["diagnostics"], json!([]));
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let mut client = TestServer::start();
    let result = client.initialize(
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        Value::Null,
    );
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        false
    );
    let uri = "file:///seed/errors.py";
    client.open(uri, "x = 1\ndef f():\n    global x\n    nonlocal x\n");
    let report = client.call(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{report}");
    assert_eq!(items[0]["source"], "closure-lens");
    assert_eq!(items[0]["message"], "name 'x' is nonlocal and global");
}

#[test]
fn settings_turn_features_off_and_on_with_refresh() {
    let mut client = TestServer::start();
    client.initialize(
        json!({"workspace": {"inlayHint": {"refreshSupport": true}, "codeLens": {"refreshSupport": true}}}),
        json!({"closureLens": {"inlayHints": {"enable": false}, "codeLens": {"enable": false}}}),
    );
    client.open(URI, SEED);
    assert_eq!(client.all_hints(URI), json!([]));
    assert_eq!(
        client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": URI}})
        ),
        json!([])
    );
    // The bare object is accepted too.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"inlayHints": {"enable": true}, "codeLens": {"enable": true}}}),
    );
    let hints = client.all_hints(URI);
    assert_eq!(hints.as_array().unwrap().len(), 8, "{hints}");
    let lenses = client.call(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(!lenses.as_array().unwrap().is_empty());
    // The server asked the client to refresh hints and lenses.
    while client.server_requests.len() < 2 {
        client
            .pump(common::lsp_client::GUARD)
            .expect("refresh requests");
    }
    let methods: Vec<&Value> = client
        .server_requests
        .iter()
        .map(|r| &r["method"])
        .collect();
    assert!(
        methods.contains(&&json!("workspace/inlayHint/refresh")),
        "{methods:?}"
    );
    assert!(
        methods.contains(&&json!("workspace/codeLens/refresh")),
        "{methods:?}"
    );
}

#[test]
fn pass_through_names_only_with_the_setting() {
    let text = "def outer():\n    x = 1\n    def middle():\n        def inner():\n            return x\n        return inner\n    return middle\n";
    let uri = "file:///seed/pass.py";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    let labels: Vec<(u64, String)> = hints_by_line(&client.all_hints(uri));
    assert_eq!(labels, [(3, "captures(x)".to_owned())]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"closureLens": {"inlayHints": {"passThrough": true}}}}),
    );
    let labels: Vec<(u64, String)> = hints_by_line(&client.all_hints(uri));
    assert_eq!(
        labels,
        [
            (2, "captures(x (pass-through))".to_owned()),
            (3, "captures(x)".to_owned())
        ]
    );
}

#[test]
fn python_version_from_pyproject_and_editor_settings() {
    // 3.11 gives the comprehension its own scope, so `x` becomes a cell of `f`; 3.12+ inlines it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.closure-lens]\npython-version = \"3.11\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    let path = dir.path().join("pkg").join("mod.py");
    let uri = common::lsp_client::file_uri(&path);
    let text = "def f():\n    x = 1\n    return [x for _ in range(3)]\n";
    std::fs::write(&path, text).unwrap();
    let lens_titles = |client: &mut LspClient| -> Vec<String> {
        let lenses = client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        lenses
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["command"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(&uri, text);
    assert_eq!(lens_titles(&mut client), ["cells: x → <listcomp>"]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"closureLens": {"pythonVersion": "3.14"}}}),
    );
    assert_eq!(lens_titles(&mut client), Vec::<String>::new());
}

#[test]
fn hints_survive_syntax_errors_elsewhere() {
    let text = "def make_adder(n):\n    def add(x):\n        return x + n\n    return add\n\ndef broken(:\n    pass\n";
    let uri = "file:///seed/broken.py";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    let labels = hints_by_line(&client.all_hints(uri));
    assert_eq!(labels, [(1, "captures(n)".to_owned())]);
}

#[test]
fn mangled_names_are_shown_as_written() {
    let text = "class C:\n    def m(self):\n        __x = 1\n        def g():\n            return __x\n        return g\n";
    let uri = "file:///seed/mangle.py";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    let labels = hints_by_line(&client.all_hints(uri));
    assert_eq!(labels, [(3, "captures(__x)".to_owned())]);
    let _ = utf16_pos(text, 0);
}

/// For each seed pattern: from a use of the captured name, definition goes to the binding in the
/// owner, and highlight covers the binding and the use (and nothing in other functions).
#[test]
fn definition_and_highlight_on_each_seed_pattern() {
    let mut client = started();
    // (use in the closure, nth, offset into it, binding, nth)
    let cases = [
        ("x + n", 0, 4, "n):", 0),                 // adder factory
        ("count += step", 0, 9, "step = 1", 0),    // counter
        ("func.__name__", 0, 0, "func):", 0),      // decorator with wrapper
        ("clicks += 1", 0, 0, "clicks = 0", 0),    // button callbacks
        ("print(label)", 0, 6, "label=label", 0),  // the default-argument parameter
        ("return i\n", 0, 7, "i in range(3):", 0), // loop of factories
        ("lambda: i", 0, 8, "i in range(3)]", 0),  // late-bound lambdas
    ];
    for (use_, nth, delta, binding, bnth) in cases {
        let at = pos_of(SEED, use_, nth, delta);
        let def = client.at("textDocument/definition", URI, at.clone());
        assert_eq!(
            def[0]["range"]["start"],
            pos_of(SEED, binding, bnth, 0),
            "definition from {use_:?}: {def}"
        );
        let highlights = client.at("textDocument/documentHighlight", URI, at.clone());
        let starts: Vec<&Value> = highlights
            .as_array()
            .unwrap()
            .iter()
            .map(|h| &h["range"]["start"])
            .collect();
        assert!(
            starts.contains(&&at),
            "highlight from {use_:?} misses itself: {highlights}"
        );
        assert!(
            starts.contains(&&pos_of(SEED, binding, bnth, 0)),
            "highlight from {use_:?} misses the binding"
        );
    }
    // super(): the __class__ cell has no binding in the source; nothing to go to, no crash.
    let def = client.at(
        "textDocument/definition",
        URI,
        pos_of(SEED, "super()", 0, 0),
    );
    assert_eq!(def, Value::Null);
}

#[test]
fn settings_are_pulled_when_the_notification_carries_none() {
    let text = "def outer():\n    x = 1\n    def middle():\n        def inner():\n            return x\n        return inner\n    return middle\n";
    let uri = "file:///seed/pull.py";
    let mut client = TestServer::start();
    client.initialize(json!({"workspace": {"configuration": true}}), Value::Null);
    client.answers.insert(
        "workspace/configuration".into(),
        json!([{"inlayHints": {"passThrough": true}}]),
    );
    client.open(uri, text);
    assert_eq!(hints_by_line(&client.all_hints(uri)).len(), 1);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    // The server asks for the `closureLens` section, then applies it.
    while !client
        .server_requests
        .iter()
        .any(|r| r["method"] == "workspace/configuration")
    {
        client
            .pump(common::lsp_client::GUARD)
            .expect("configuration request");
    }
    let request = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "workspace/configuration")
        .unwrap();
    assert_eq!(request["params"]["items"][0]["section"], "closureLens");
    let mut lines = Vec::new();
    for _ in 0..1000 {
        lines = hints_by_line(&client.all_hints(uri));
        if lines.len() == 2 {
            break;
        }
        client.pump(std::time::Duration::from_millis(10));
    }
    assert_eq!(lines.len(), 2, "{lines:?}");
}

#[test]
fn no_hover_noise_on_plain_functions() {
    let mut client = started();
    // A top-level function that neither captures nor owns cells: nothing to add.
    let hover = client.at(
        "textDocument/hover",
        URI,
        pos_of(SEED, "def unrelated", 0, 4),
    );
    assert_eq!(hover, Value::Null);
    // A nested function that captures nothing says so (the default-argument idiom).
    let text = "def outer(items):\n    for item in items:\n        def show(item=item):\n            print(item)\n";
    let uri = "file:///seed/defaults.py";
    client.open(uri, text);
    let hover = client.at("textDocument/hover", uri, pos_of(text, "show", 0, 0));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("`show` closes over nothing"), "{value}");
    // A top-level function owning cells shows them.
    let hover = client.at(
        "textDocument/hover",
        URI,
        pos_of(SEED, "def make_counter", 0, 4),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("- `count` → captured by `increment` (writes through `nonlocal`)"),
        "{value}"
    );
}

#[test]
fn hover_on_class_cell_lists_every_method_sharing_it() {
    // The implicit __class__ cell is not in the class's symbol table; a class attribute named
    // __class__ must not hide it either.
    let text = "class Base:\n    def who(self):\n        return 'base'\n\nclass C(Base):\n    __class__ = 'attribute'\n\n    def a(self):\n        return __class__\n\n    def b(self):\n        return super().who()\n";
    let uri = "file:///seed/class_cell.py";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    let hover = client.at(
        "textDocument/hover",
        uri,
        pos_of(text, "return __class__", 0, "return ".len()),
    );
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("owned by `C`"), "{value}");
    assert!(
        value.contains("`b`"),
        "the other method sharing the cell: {value}"
    );
}

#[test]
fn hover_on_a_class_name_captured_from_outside_is_not_a_free_variable() {
    // DEF_FREE_CLASS: the class (3.12+: the type-params scope of `m`, which sees the class) has
    // `y` in its closure because `m` captures `outer`'s `y`, but its own `y` is not free.
    let text = "def outer():\n    y = 1\n    class D:\n        y = 2\n        print(y)\n        def m[T](self) -> y:\n            return y\n    return D\n";
    let uri = "file:///seed/free_class.py";
    let mut client = LspClient::spawn();
    client.initialize(json!({}), json!({"closureLens": {"pythonVersion": "3.12"}}));
    client.open(uri, text);
    for (needle, nth, delta) in [("y = 2", 0, 0), ("print(y)", 0, 6), ("-> y", 0, 3)] {
        let hover = client.at("textDocument/hover", uri, pos_of(text, needle, nth, delta));
        let value = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(!value.contains("free variable"), "{needle}: {value}");
    }
    // The method's `y` is free: a cell of `outer`.
    let hover = client.at(
        "textDocument/hover",
        uri,
        pos_of(text, "return y", 0, "return ".len()),
    );
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("free variable of `m`"), "{value}");
    assert!(value.contains("owned by `outer`"), "{value}");
}
