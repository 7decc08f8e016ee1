//! Robustness tests: bad input never crashes the server, and it exits cleanly. Most run the core
//! in process (`TestServer`); the exit codes and stdio framing are checked on the real binary.

mod common;

use common::lsp_client::LspClient;
use common::test_server::TestServer;
use serde_json::{Value, json};

const TEXT: &str = "def f(n):\n    def g():\n        return n\n    return g\n";

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an error: {response}"))
}

#[test]
fn requests_before_initialize_get_an_error() {
    let mut client = TestServer::start();
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&response), -32002);
    client.initialize_default();
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn unknown_documents_methods_and_malformed_params() {
    let mut client = TestServer::start();
    client.initialize_default();
    let unknown = "file:///nowhere.py";
    assert_eq!(client.all_hints(unknown), Value::Null);
    assert_eq!(
        client.at(
            "textDocument/hover",
            unknown,
            json!({"line": 0, "character": 0})
        ),
        Value::Null
    );
    assert_eq!(
        client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": unknown}})
        ),
        Value::Null
    );
    // Edits to a document that is not open are ignored.
    client.change(
        unknown,
        2,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 0}),
        "x",
    );
    assert_eq!(client.debug_text(unknown), Value::Null);
    // Unknown method.
    assert_eq!(
        error_code(&client.request("textDocument/nonsense", json!({}))),
        -32601
    );
    // Malformed params.
    assert_eq!(
        error_code(&client.request("textDocument/hover", json!({"textDocument": 5}))),
        -32602
    );
    assert_eq!(
        error_code(&client.request("textDocument/inlayHint", json!([1, 2, 3]))),
        -32602
    );
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": 12}}));
    client.notify("textDocument/didChange", json!(null));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": "nonsense"}),
    );
    assert_eq!(
        error_code(&client.request("workspace/executeCommand", json!({"command": "nope"}))),
        -32602
    );
    // Not JSON at all: an error response, and the server keeps going.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    client.wait_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not valid JSON")
    });
    let uri = "file:///ok.py";
    client.open(uri, TEXT);
    assert_eq!(client.all_hints(uri).as_array().unwrap().len(), 1);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn out_of_range_positions_are_clamped() {
    let uri = "file:///range.py";
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(uri, TEXT);
    let far = json!({"line": 4_000_000_000u32, "character": 4_000_000_000u32});
    let past_line = json!({"line": 1, "character": 999});
    for position in [&far, &past_line] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/documentHighlight",
        ] {
            let response = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            assert!(response.get("error").is_none(), "{method}: {response}");
        }
    }
    // A reversed, out-of-range hint range.
    let hints = client.inlay_hints(uri, far.clone(), json!({"line": 0, "character": 0}));
    assert_eq!(hints.as_array().unwrap().len(), 1);
    // An edit past the end appends; a change past the end of a line clamps to the line end.
    client.change(uri, 2, far.clone(), far, "# end\n");
    client.change(uri, 3, past_line.clone(), past_line, "  # g");
    let expected = "def f(n):\n    def g():  # g\n        return n\n    return g\n# end\n";
    assert_eq!(
        client.debug_text(uri),
        json!({"version": 3, "text": expected})
    );
    // Negative numbers are malformed, not a crash.
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}),
    );
    assert_eq!(error_code(&response), -32602);
    assert!(client.shutdown_and_exit().success());
}

/// The one panic policy: a panic in a request handler (on a worker or on the main loop) is logged
/// and answered with InternalError; in a notification handler or background work it is logged;
/// either way the server keeps serving.
#[test]
fn a_panicking_handler_is_reported_and_the_server_keeps_serving() {
    let internal = |p: &Value| {
        p["message"]
            .as_str()
            .unwrap_or_default()
            .contains("internal error")
    };
    let mut client = TestServer::start();
    client.initialize_default();
    let uri = "file:///after-panic.py";
    client.open(uri, TEXT);
    for method in ["textDocument/hover", "workspace/executeCommand"] {
        client.panic_at(method);
        let params = match method {
            "textDocument/hover" => {
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
            }
            _ => json!({"command": "closure-lens.showCaptures"}),
        };
        let response = client.request(method, params);
        assert_eq!(error_code(&response), -32603, "{method}");
        let log = client.wait_notification("window/logMessage", internal);
        assert_eq!(log["type"], 1);
        assert!(log["message"].as_str().unwrap().contains(method), "{log}");
    }
    // A notification handler (main loop) and background work (pushed diagnostics).
    client.panic_at("textDocument/didChange");
    client.change(
        uri,
        2,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 0}),
        "#",
    );
    let log = client.wait_notification("window/logMessage", internal);
    assert!(
        log["message"].as_str().unwrap().contains("didChange"),
        "{log}"
    );
    client.panic_at("diagnostics");
    client.open("file:///other.py", TEXT);
    let log = client.wait_notification("window/logMessage", internal);
    assert!(
        log["message"].as_str().unwrap().contains("diagnostics"),
        "{log}"
    );
    // Still serving, with the edit before the panic never applied.
    assert_eq!(client.all_hints(uri).as_array().unwrap().len(), 1);
    assert_eq!(client.debug_text(uri)["text"], TEXT);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn exit_status_follows_the_protocol() {
    // shutdown then exit: 0.
    let mut client = LspClient::spawn();
    client.initialize_default();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    // exit without shutdown: 1.
    let mut client = LspClient::spawn();
    client.initialize_default();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
    // The client disappears (stdin closed) without shutdown: 1, and promptly.
    let mut client = LspClient::spawn();
    client.initialize_default();
    client.open("file:///x.py", TEXT);
    assert_eq!(client.wait_exit().code(), Some(1));
    // Requests after shutdown are refused.
    let mut client = LspClient::spawn();
    client.initialize_default();
    client.call("shutdown", Value::Null);
    assert_eq!(
        error_code(&client.request("textDocument/hover", json!({}))),
        -32600
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn garbage_and_odd_source_never_crashes_the_server() {
    // Found by the rapid-typing test: a non-ASCII name in an annotated chained assignment.
    let cases = [
        "f:变=a=x\n",
        "f:😀=a=x",
        "def f(:\n  lambda: (((",
        "\u{0}\u{feff}x = 1\r\r\n",
        "class C(\n    def m(self): super(",
    ];
    let mut client = TestServer::start();
    client.initialize_default();
    for (i, text) in cases.iter().enumerate() {
        let uri = format!("file:///odd{i}.py");
        client.open(&uri, text);
        let hints = client.all_hints(&uri);
        assert!(hints.is_array(), "{text:?}: {hints}");
        client.at(
            "textDocument/hover",
            &uri,
            json!({"line": 0, "character": 3}),
        );
    }
    assert!(client.shutdown_and_exit().success());
}

/// A request on a small document never waits for a big one: it is answered before the hints of
/// a multi-megabyte document being analysed, on open and after each edit (ordering, not time).
#[test]
fn a_small_document_is_served_while_a_big_one_is_analysed() {
    let mut client = TestServer::start();
    client.initialize_default();
    let small = "file:///small.py";
    client.open(small, TEXT);
    let hover = json!({"textDocument": {"uri": small}, "position": {"line": 2, "character": 15}});
    let expected = client.call("textDocument/hover", hover.clone());
    let big_uri = "file:///big.py";
    let big: String = (0..17_000)
        .map(|i| {
            format!("def make{i}(n):\n    def add(x):\n        return x + n\n    return add\n")
        })
        .collect();
    assert!(big.len() > 1 << 20, "big enough for the heavy lane");
    client.open(big_uri, &big);
    let whole = json!({"textDocument": {"uri": big_uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1_000_000, "character": 0}}});
    for version in 1..3 {
        if version > 1 {
            client.change(
                big_uri,
                version,
                json!({"line": 0, "character": 0}),
                json!({"line": 0, "character": 0}),
                "#\n",
            );
        }
        let hints = client.send_request("textDocument/inlayHint", whole.clone());
        let quick = client.send_request("textDocument/hover", hover.clone());
        let answer = client.wait_response(quick);
        assert_eq!(answer["result"], expected);
        client.wait_response(hints);
        let at = |id: i64| client.arrivals.iter().position(|a| *a == id).unwrap();
        assert!(
            at(quick) < at(hints),
            "version {version}: the small document waited"
        );
    }
}

/// A request withdrawn while a worker computes it (cancelled, or out of its time budget) gets
/// exactly one response, and so does one withdrawn just after its worker answered it.
#[test]
fn a_request_withdrawn_while_it_runs_gets_one_response() {
    let budget = std::time::Duration::from_millis(300);
    let mut client = TestServer::with_options(closure_lens::lsp::Options {
        request_budget: budget,
        ..Default::default()
    });
    client.initialize_default();
    let uri = "file:///withdrawn.py";
    client.open(uri, TEXT);
    let hover = json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 15}});
    let expected = client.call("textDocument/hover", hover.clone());

    client.hold("textDocument/hover");
    let cancelled = client.send_request("textDocument/hover", hover.clone());
    client.wait_at("textDocument/hover");
    client.notify("$/cancelRequest", json!({"id": cancelled}));
    client.debug_text(uri); // the main loop has handled the cancellation
    client.release("textDocument/hover");
    assert_eq!(error_code(&client.wait_response(cancelled)), -32800);

    client.hold("textDocument/hover");
    let late = client.send_request("textDocument/hover", hover.clone());
    client.wait_at("textDocument/hover");
    std::thread::sleep(budget * 2);
    assert_eq!(error_code(&client.wait_response(late)), -32803);
    client.release("textDocument/hover");

    // Cancelled once answered: the answer stands, nothing follows it.
    let answered = client.send_request("textDocument/hover", hover.clone());
    assert_eq!(client.wait_response(answered)["result"], expected);
    client.notify("$/cancelRequest", json!({"id": answered}));

    // The last request's answer comes after anything the earlier ones could still send.
    assert_eq!(client.call("textDocument/hover", hover), expected);
    for id in [cancelled, late, answered] {
        let responses = client.arrivals.iter().filter(|a| **a == id).count();
        assert_eq!(responses, 1, "responses to request {id}");
    }
    assert!(client.shutdown_and_exit().success());
}
