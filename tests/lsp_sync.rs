//! Document sync tests (in-process `TestServer`): typing, rapid edits, non-ASCII positions in both encodings.

mod common;

use common::lsp_client::{LspClient, hint_label, offset_of, utf8_pos, utf16_pos};
use common::test_server::TestServer;
use serde_json::{Value, json};

fn labels(hints: &Value) -> Vec<String> {
    hints
        .as_array()
        .expect("hints")
        .iter()
        .map(hint_label)
        .collect()
}

#[test]
fn typing_a_new_captured_name_updates_the_hint() {
    let uri = "file:///sync/typing.py";
    let mut text = String::from(
        "def outer():\n    a = 1\n    b = 2\n    def inner():\n        return a\n    return inner\n",
    );
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, &text);
    assert_eq!(labels(&client.all_hints(uri)), ["captures(a)"]);
    let mut version = 1;
    // Type " + b" after `return a`, one character at a time.
    let at = offset_of(&text, "return a", 0) + "return a".len();
    for (i, ch) in " + b".chars().enumerate() {
        let pos = utf16_pos(&text, at + i);
        version += 1;
        client.change(uri, version, pos.clone(), pos, &ch.to_string());
        text.insert(at + i, ch);
        // Ask for hints after every keystroke, as an editor does.
        client.all_hints(uri);
    }
    assert_eq!(labels(&client.all_hints(uri)), ["captures(a, b)"]);
    // Delete it again, one character at a time from the end.
    for i in (0..4).rev() {
        version += 1;
        client.change(
            uri,
            version,
            utf16_pos(&text, at + i),
            utf16_pos(&text, at + i + 1),
            "",
        );
        text.remove(at + i);
        client.all_hints(uri);
    }
    assert_eq!(labels(&client.all_hints(uri)), ["captures(a)"]);
    assert_eq!(
        client.debug_text(uri),
        json!({"version": version, "text": text})
    );
}

/// A tiny deterministic generator (no dependency, same sequence on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn three_thousand_rapid_changes_interleaved_with_hovers() {
    let uri = "file:///sync/rapid.py";
    let mut text = String::from(
        "def make_counter():\n    count = 0\n    def increment():\n        nonlocal count\n        count += 1  # é😀\n        return count\n    return increment\n",
    );
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, &text);
    let alphabet: Vec<char> = "abcxyz_ ():=+\né変😀".chars().collect();
    let mut rng = Lcg(0x5eed);
    let mut hovers = Vec::new();
    for version in 2..3002 {
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = boundaries[rng.next(boundaries.len())];
        if rng.next(3) == 0 && at < text.len() {
            let len = text[at..].chars().next().unwrap().len_utf8();
            client.change(
                uri,
                version,
                utf16_pos(&text, at),
                utf16_pos(&text, at + len),
                "",
            );
            text.replace_range(at..at + len, "");
        } else {
            let ch = alphabet[rng.next(alphabet.len())];
            let pos = utf16_pos(&text, at);
            client.change(uri, version, pos.clone(), pos, &ch.to_string());
            text.insert(at, ch);
        }
        if version % 10 == 0 {
            let at = boundaries[rng.next(boundaries.len())].min(text.len());
            let position = utf16_pos(&text, floor_boundary(&text, at));
            let id = client.send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            hovers.push((id, text.clone(), position));
        }
    }
    // Every hover is answered for the version it was sent on, exactly as a fresh open of that
    // text answers it, unless a later edit superseded it before a worker started it: then the
    // answer is ContentModified (-32801), as LSP specifies for stale requests.
    let mut answered = 0;
    for (n, (id, sent_on, position)) in hovers.into_iter().enumerate() {
        let response = client.wait_response(id);
        if response["error"]["code"] == -32801 {
            continue;
        }
        assert!(response.get("error").is_none(), "hover failed: {response}");
        let fresh = format!("file:///sync/rapid-{n}.py");
        client.open(&fresh, &sent_on);
        let expected = client.at("textDocument/hover", &fresh, position);
        assert_eq!(
            response["result"],
            same_uri(expected, &fresh, uri),
            "hover {n} on {sent_on:?}"
        );
        answered += 1;
    }
    assert!(answered > 0, "every hover was superseded");
    assert_eq!(
        client.debug_text(uri),
        json!({"version": 3001, "text": text})
    );
    // What 3,000 incremental updates produced equals what a fresh open of the same text gives.
    let fresh = "file:///sync/fresh.py";
    client.open(fresh, &text);
    assert_eq!(
        client.all_hints(uri),
        same_uri(client.all_hints(fresh), fresh, uri)
    );
    let lenses = |client: &mut LspClient, u: &str| {
        let lenses = client.call("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        let titles: Vec<Value> = lenses
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["command"]["title"].clone())
            .collect();
        titles
    };
    assert_eq!(lenses(&mut client, uri), lenses(&mut client, fresh));
    assert!(client.shutdown_and_exit().success());
}

/// `value` with every `from` URI replaced by `to` (to compare results of two documents).
fn same_uri(value: Value, from: &str, to: &str) -> Value {
    serde_json::from_str(&value.to_string().replace(from, to)).unwrap()
}

#[test]
fn editing_a_larger_module_matches_a_fresh_open() {
    // Several top-level statements, edited one character at a time in different places: the
    // per-statement re-analysis must agree with a whole-file analysis of the final text.
    let uri = "file:///sync/large.py";
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "def make_{i}(n):\n    total = 0\n    def add(x):\n        nonlocal total\n        total += x + n\n        return total\n    return add\n\n"
        ));
    }
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, &text);
    assert_eq!(labels(&client.all_hints(uri)).len(), 30);
    let mut rng = Lcg(7);
    let mut version = 1;
    for _ in 0..400 {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let at = boundaries[rng.next(boundaries.len())];
        version += 1;
        if rng.next(2) == 0 {
            let ch = ["x", " ", "\n", "(", ")", ":", "é"][rng.next(7)];
            let pos = utf16_pos(&text, at);
            client.change(uri, version, pos.clone(), pos, ch);
            text.insert_str(at, ch);
        } else {
            let len = text[at..].chars().next().unwrap().len_utf8();
            client.change(
                uri,
                version,
                utf16_pos(&text, at),
                utf16_pos(&text, at + len),
                "",
            );
            text.replace_range(at..at + len, "");
        }
        client.all_hints(uri);
    }
    let fresh = "file:///sync/large-fresh.py";
    client.open(fresh, &text);
    assert_eq!(
        client.all_hints(uri),
        same_uri(client.all_hints(fresh), fresh, uri)
    );
    assert_eq!(client.debug_text(uri)["text"], text.as_str());
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const NON_ASCII: &str = "def outer():\n    café = \"é😀\"; n = 1\n    def inner(p=\"é😀\"): return café, n, p\n    return inner\n";

fn check_non_ascii(encoding: &str, pos: fn(&str, usize) -> Value) {
    let uri = "file:///sync/unicode.py";
    let mut client = TestServer::start();
    let init = client.initialize(
        json!({"general": {"positionEncodings": [encoding]}}),
        Value::Null,
    );
    assert_eq!(init["capabilities"]["positionEncoding"], encoding);
    let text = NON_ASCII;
    client.open(uri, text);
    // The hint sits right after the header's `:`, which follows an emoji on the same line.
    let hints = client.all_hints(uri);
    assert_eq!(labels(&hints), ["captures(café, n)"]);
    let colon = offset_of(text, "\"é😀\"):", 0) + "\"é😀\"):".len();
    assert_eq!(hints[0]["position"], pos(text, colon));
    let cafe = &hints[0]["label"][1];
    assert_eq!(cafe["value"], "café");
    let binding = offset_of(text, "café =", 0);
    assert_eq!(cafe["location"]["range"]["start"], pos(text, binding));
    assert_eq!(
        cafe["location"]["range"]["end"],
        pos(text, binding + "café".len())
    );
    // Hover and definition on `café` after the emoji.
    let use_at = offset_of(text, "café, n, p", 0);
    let hover = client.at("textDocument/hover", uri, pos(text, use_at + 1));
    assert_eq!(hover["range"]["start"], pos(text, use_at), "{hover}");
    assert_eq!(hover["range"]["end"], pos(text, use_at + "café".len()));
    let def = client.at("textDocument/definition", uri, pos(text, use_at));
    assert_eq!(def[0]["range"]["start"], pos(text, binding));
    // An edit positioned after the emoji lands where the client meant it.
    let at = offset_of(text, "; n = 1", 0);
    client.change(uri, 2, pos(text, at), pos(text, at), " # ✓");
    let mut expected = text.to_owned();
    expected.insert_str(at, " # ✓");
    assert_eq!(client.debug_text(uri)["text"], expected.as_str());
}

#[test]
fn non_ascii_positions_in_utf16() {
    check_non_ascii("utf-16", utf16_pos);
}

#[test]
fn non_ascii_positions_in_utf8() {
    check_non_ascii("utf-8", utf8_pos);
}

#[test]
fn utf8_is_preferred_when_offered_among_others() {
    let mut client = TestServer::start();
    let init = client.initialize(
        json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
        Value::Null,
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let mut client = TestServer::start();
    let init = client.initialize(
        json!({"general": {"positionEncodings": ["utf-32"]}}),
        Value::Null,
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn crlf_lone_cr_full_sync_and_close() {
    let uri = "file:///sync/crlf.py";
    let text = "def f(n):\r\n    def g():\r        return n\r\n    return g\n";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    let hints = client.all_hints(uri);
    assert_eq!(labels(&hints), ["captures(n)"]);
    // Line 2 starts after the lone CR: `def g():` is on line 1, the hint after its `:`.
    assert_eq!(hints[0]["position"], json!({"line": 1, "character": 12}));
    // Edit on the line after the lone CR.
    client.change(
        uri,
        2,
        json!({"line": 2, "character": 15}),
        json!({"line": 2, "character": 16}),
        "n + 1",
    );
    let expected = text.replacen("return n", "return n + 1", 1);
    assert_eq!(client.debug_text(uri)["text"], expected.as_str());
    // A full-text change is accepted too.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "x = 1\n"}]}),
    );
    assert_eq!(
        client.debug_text(uri),
        json!({"version": 3, "text": "x = 1\n"})
    );
    assert_eq!(client.all_hints(uri), json!([]));
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.debug_text(uri), Value::Null);
    assert_eq!(client.all_hints(uri), Value::Null);
}

#[test]
fn one_analysis_per_version_whatever_the_number_of_requests() {
    let uri = "file:///sync/once.py";
    let text = "def f(n):\n    def g():\n        return n\n    return g\n";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    // Diagnostics are pushed for version 1: that analysis is the one every request shares.
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    let before = client.analyses();
    for _ in 0..5 {
        client.all_hints(uri);
        client.at(
            "textDocument/hover",
            uri,
            json!({"line": 2, "character": 15}),
        );
        client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert_eq!(
        client.analyses(),
        before,
        "requests on an analysed version re-analysed"
    );
    // A new version: exactly one more analysis, however many requests follow.
    client.change(
        uri,
        2,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 0}),
        "# c\n",
    );
    for _ in 0..5 {
        client.all_hints(uri);
        client.at(
            "textDocument/hover",
            uri,
            json!({"line": 3, "character": 15}),
        );
    }
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    assert_eq!(client.analyses(), before + 1);
}

/// Same text, same answers: the first (whole-file) analysis and the per-statement analyses that
/// follow edits agree, also on texts with syntax errors (once, a 7-line text showed no hint at
/// first and `captures(__class__)` after a full-text replacement with the same text).
#[test]
fn a_no_op_replacement_changes_no_answer() {
    let texts = [
        // Found by a random search against the old per-statement analysis.
        "  pass\n    return lambda: n\nelse:\n    def h(self): return lambda: super()\nclass C:\n    def h(self): return lambda: super()\nelse:\n",
        "class C:\n    def f(self):\n        return super().f()\nx = (\ndef g():\n    pass\ny = 1\n",
        "class C(\n    def f(self):\n        return super()\n\nclass D:\n    def g(self): return __class__\nz = [\n",
        "def f(n):\n    def g():\n        return n\n    return g\n@\nclass K:\n    def m(self): super()\n",
        "class A:\n  def m(self):\n    return lambda: super()\n  x = 1 +\nclass B(A):\n  def m(self): return __class__\n\n",
    ];
    let mut client = TestServer::start();
    client.initialize_default();
    for (i, text) in texts.iter().enumerate() {
        let uri = format!("file:///sync/noop{i}.py");
        client.open(&uri, text);
        let first = client.all_hints(&uri);
        let lenses = client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        for version in 2..5 {
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
            );
            assert_eq!(client.all_hints(&uri), first, "{text:?}");
            assert_eq!(
                client.call(
                    "textDocument/codeLens",
                    json!({"textDocument": {"uri": uri}})
                ),
                lenses,
                "{text:?}"
            );
        }
    }
}

/// A keystroke edits the previous version's analysis in place: neither the version it replaces
/// nor the module the lenses and hovers read (cached in the workspace) keeps that analysis, which
/// would have to be copied whole first.
#[test]
fn a_keystroke_after_lenses_and_hovers_does_not_copy_the_analysis() {
    let uri = "file:///sync/lens.py";
    // A decorator of the file itself: an imported one would be read ahead after the open, in a
    // job holding the first version while the first keystroke is analysed.
    let text = "def cache(f):\n    return f\n\n\n@cache\ndef f(n):\n    def g():\n        return n\n    return g\n";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    for version in 2..6 {
        client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        client.at(
            "textDocument/hover",
            uri,
            json!({"line": 7, "character": 15}),
        );
        // Inside `g`'s body: `n` becomes `nn`, then `n` again.
        let (end, insert) = if version % 2 == 0 {
            (15, "n")
        } else {
            (16, "")
        };
        client.change(
            uri,
            version,
            json!({"line": 7, "character": 15}),
            json!({"line": 7, "character": end}),
            insert,
        );
        client.all_hints(uri);
        // Finding the version's diagnostics reads its analysis: a keystroke meanwhile must copy
        // it. Waiting for the push keeps this test about the lenses and hovers.
        client.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
    }
    assert_eq!(client.analyses(), 5, "one analysis per version");
    assert_eq!(
        client.analysis_copies(),
        0,
        "analyses copied before editing"
    );
    assert_eq!(client.text_copies(), 0, "texts copied before editing");
}

/// Reading ahead the modules a file's decorators come from holds neither the file's version nor
/// the open files with it: a keystroke typed meanwhile edits the analysis in place.
#[test]
fn a_keystroke_while_imports_are_read_ahead_does_not_copy_the_analysis() {
    let uri = "file:///sync/imports.py";
    let text = "from decos import cache\n\n\n@cache\ndef f(n):\n    def g():\n        return n\n    return g\n";
    let mut client = TestServer::start();
    client.initialize_default();
    client.hold("prefetch");
    client.open(uri, text);
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    client.wait_at("prefetch");
    // Inside `g`'s body: `return n` becomes `return n + n`.
    let at = json!({"line": 6, "character": 15});
    client.change(uri, 2, at.clone(), at, "n + ");
    assert_eq!(client.all_hints(uri).as_array().map(Vec::len), Some(1));
    client.release("prefetch");
    assert_eq!(client.analyses(), 2, "one analysis per version");
    assert_eq!(
        client.analysis_copies(),
        0,
        "analyses copied before editing"
    );
}

/// A request on one file holds the open files (for the modules they stand for), but only their
/// texts: a keystroke in another file meanwhile edits that file's analysis in place.
#[test]
fn a_keystroke_while_another_file_is_read_does_not_copy_the_analysis() {
    let (read, typed) = ("file:///sync/read.py", "file:///sync/typed.py");
    let text = "def f(n):\n    def g():\n        return n\n    return g\n";
    let mut client = TestServer::start();
    client.initialize_default();
    for uri in [read, typed] {
        client.open(uri, text);
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    }
    client.hold("textDocument/hover");
    let hover = client.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": read}, "position": {"line": 2, "character": 15}}),
    );
    client.wait_at("textDocument/hover");
    // Inside `g`'s body: `return n` becomes `return n + n`.
    let at = json!({"line": 2, "character": 15});
    client.change(typed, 2, at.clone(), at, "n + ");
    assert_eq!(client.all_hints(typed).as_array().map(Vec::len), Some(1));
    client.release("textDocument/hover");
    assert!(client.wait_response(hover)["result"].is_object());
    assert_eq!(client.analyses(), 3, "one analysis per version");
    assert_eq!(
        client.analysis_copies(),
        0,
        "analyses copied before editing"
    );
}

/// A client that pulls diagnostics may ask for nothing after opening a file: the file is
/// analysed all the same, so that the first keystroke re-analyses only what it touched.
#[test]
fn a_file_is_analysed_after_opening_when_the_client_pulls_diagnostics() {
    let uri = "file:///sync/pulled.py";
    let text = "x = 1\ndef f():\n    global x\n";
    let mut client = TestServer::start();
    client.initialize(
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        Value::Null,
    );
    client.open(uri, text);
    client.wait_analyses(1);
    let at = json!({"line": 2, "character": 12});
    client.change(uri, 2, at.clone(), at, "\n    nonlocal x");
    let report = client.call(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{report}");
    assert_eq!(items[0]["message"], "name 'x' is nonlocal and global");
    assert_eq!(client.analyses(), 2, "one analysis per version");
}

/// A version's diagnostics are found once, whatever reads them: the push, pulls, quick fixes and
/// the hovers that explain the bugs.
#[test]
fn one_diagnostics_run_per_version_whatever_reads_them() {
    let uri = "file:///sync/bugs.py";
    let text = "fs = []\nfor i in range(3):\n    fs.append(lambda: i)\n";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, text);
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    let before = client.diagnostics_found();
    for _ in 0..3 {
        let pulled = client.call(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(
            pulled["items"].as_array().map(Vec::len),
            Some(1),
            "{pulled}"
        );
        let actions = client.call(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 2, "character": 14}, "end": {"line": 2, "character": 14}},
                "context": {"diagnostics": []},
            }),
        );
        assert!(!actions.as_array().is_none_or(Vec::is_empty), "{actions}");
        let hover = client.at(
            "textDocument/hover",
            uri,
            json!({"line": 2, "character": 14}),
        );
        assert!(hover.to_string().contains("late-binding"), "{hover}");
    }
    assert_eq!(
        client.diagnostics_found(),
        before,
        "diagnostics found again"
    );
    // A new version: found once more.
    client.change(
        uri,
        2,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 0}),
        "# c\n",
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    client.call(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics_found(), before + 1);
}
