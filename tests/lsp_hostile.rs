//! A catalogue of hostile inputs: JSON that is not JSON-RPC in every shape, bodies that are not
//! JSON, framing errors of every kind, hostile lengths, pathological documents. Each entry states
//! the answer the specification asks for, and after each one the server must still answer a
//! normal request exactly as before. The lengths that once exhausted memory are also sent to the
//! real binary, whose peak memory is measured.

mod common;

use common::lsp_client::{LspClient, pos_of};
use common::test_server::TestServer;
use serde_json::{Value, json};

const URI: &str = "file:///hostile/doc.py";
const TEXT: &str = "def make(n):\n    def add(x):\n        return x + n\n    return add\n";

/// What an entry must get back.
enum Expect {
    /// One error response: this code, this id (`null`, an integer or a string).
    Error(i64, Value),
    /// Error responses with id `null`, with these codes, in order.
    NullErrors(&'static [i64]),
    /// A successful response to the request with this integer id.
    Answer(i64),
    /// A successful response with this string id.
    AnswerStr(&'static str),
    /// No response at all.
    Silent,
}

fn frame(body: impl AsRef<[u8]>) -> Vec<u8> {
    let body = body.as_ref();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn raw(bytes: &str) -> Vec<u8> {
    bytes.as_bytes().to_vec()
}

const PARSE: i64 = -32700;
const INVALID: i64 = -32600;

fn hover_params() -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 19}})
}

fn request(id: Value, method: &str, params: Value) -> Vec<u8> {
    frame(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string())
}

/// The catalogue: (name, bytes, expected answer).
fn catalogue() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let null = Value::Null;
    let deep_arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    let deep_params = format!(
        r#"{{"jsonrpc":"2.0","id":1000,"method":"textDocument/hover","params":{}0{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let request_body = json!({"jsonrpc": "2.0", "id": 1001, "method": "textDocument/hover", "params": hover_params()}).to_string();
    vec![
        // ---- JSON that is not a JSON-RPC message ----
        ("a bare number", frame("1"), Error(INVALID, null.clone())),
        ("a negative float", frame("-1.5"), Error(INVALID, null.clone())),
        ("a string", frame("\"textDocument/hover\""), Error(INVALID, null.clone())),
        ("null", frame("null"), Error(INVALID, null.clone())),
        ("true", frame("true"), Error(INVALID, null.clone())),
        ("false", frame("false"), Error(INVALID, null.clone())),
        ("an empty object", frame("{}"), Error(INVALID, null.clone())),
        ("an empty batch", frame("[]"), Error(INVALID, null.clone())),
        ("a batch of a number", frame("[1]"), Error(INVALID, null.clone())),
        (
            "a batch holding shutdown (not executed)",
            frame(r#"[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]"#),
            Error(INVALID, null.clone()),
        ),
        (
            "a batch of two notifications",
            frame(r#"[{"jsonrpc":"2.0","method":"initialized"},{"jsonrpc":"2.0","method":"initialized"}]"#),
            Error(INVALID, null.clone()),
        ),
        ("no jsonrpc member", frame(r#"{"id":11,"method":"textDocument/hover"}"#), Error(INVALID, json!(11))),
        ("jsonrpc 1.0", frame(r#"{"jsonrpc":"1.0","id":12,"method":"x"}"#), Error(INVALID, json!(12))),
        ("jsonrpc as a number", frame(r#"{"jsonrpc":2.0,"id":13,"method":"x"}"#), Error(INVALID, json!(13))),
        ("jsonrpc null", frame(r#"{"jsonrpc":null,"method":"x"}"#), Error(INVALID, null.clone())),
        ("a numeric method", frame(r#"{"jsonrpc":"2.0","id":14,"method":5}"#), Error(INVALID, json!(14))),
        ("a null method", frame(r#"{"jsonrpc":"2.0","id":15,"method":null}"#), Error(INVALID, json!(15))),
        ("an array method", frame(r#"{"jsonrpc":"2.0","method":["x"]}"#), Error(INVALID, null.clone())),
        ("a float id", frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#), Error(INVALID, null.clone())),
        ("an id of 1e300", frame(r#"{"jsonrpc":"2.0","id":1e300,"method":"x"}"#), Error(INVALID, null.clone())),
        (
            "an id beyond 64 bits",
            frame(r#"{"jsonrpc":"2.0","id":99999999999999999999,"method":"x"}"#),
            Error(INVALID, null.clone()),
        ),
        ("an object id", frame(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#), Error(INVALID, null.clone())),
        ("an array id", frame(r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#), Error(INVALID, null.clone())),
        ("a boolean id", frame(r#"{"jsonrpc":"2.0","id":true,"method":"x"}"#), Error(INVALID, null.clone())),
        ("a null id on a request", frame(r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#), Error(INVALID, null.clone())),
        ("string params", frame(r#"{"jsonrpc":"2.0","id":16,"method":"x","params":"p"}"#), Error(INVALID, json!(16))),
        ("numeric params", frame(r#"{"jsonrpc":"2.0","method":"x","params":3}"#), Error(INVALID, null.clone())),
        ("boolean params", frame(r#"{"jsonrpc":"2.0","id":17,"method":"x","params":true}"#), Error(INVALID, json!(17))),
        ("only jsonrpc", frame(r#"{"jsonrpc":"2.0"}"#), Error(INVALID, null.clone())),
        ("only an id", frame(r#"{"jsonrpc":"2.0","id":18}"#), Error(INVALID, json!(18))),
        (
            "a response with result and error",
            frame(r#"{"jsonrpc":"2.0","id":19,"result":1,"error":{"code":1,"message":"m"}}"#),
            Error(INVALID, json!(19)),
        ),
        ("a malformed error member", frame(r#"{"jsonrpc":"2.0","id":20,"error":"bad"}"#), Error(INVALID, json!(20))),
        (
            "duplicate jsonrpc keys, the last one wrong",
            frame(r#"{"jsonrpc":"2.0","jsonrpc":"1.0","method":"x"}"#),
            Error(INVALID, null.clone()),
        ),
        // ---- valid messages the server must treat calmly ----
        ("a response to nothing we sent", frame(r#"{"jsonrpc":"2.0","id":12345,"result":null}"#), Silent),
        ("an error response to nothing", frame(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"m"}}"#), Silent),
        ("an unknown notification", frame(r#"{"jsonrpc":"2.0","method":"custom/thing","params":{}}"#), Silent),
        ("an unknown $/ notification", frame(r#"{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":"off"}}"#), Silent),
        ("a cancellation of an unknown id", frame(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":777}}"#), Silent),
        ("an unknown $/ request", request(json!(21), "$/unknown", json!({})), Error(-32601, json!(21))),
        ("an unknown request", request(json!(22), "textDocument/nonsense", json!({})), Error(-32601, json!(22))),
        ("the removed debug method", request(json!(23), "closureLens/debugText", json!({})), Error(-32601, json!(23))),
        ("hover with null params", request(json!(24), "textDocument/hover", Value::Null), Error(-32602, json!(24))),
        ("hover with array params", request(json!(25), "textDocument/hover", json!([1, 2])), Error(-32602, json!(25))),
        ("a string id", request(json!("abc"), "textDocument/hover", hover_params()), AnswerStr("abc")),
        ("a negative id", request(json!(-7), "textDocument/hover", hover_params()), Answer(-7)),
        ("initialize again", request(json!(26), "initialize", json!({"capabilities": {}})), Error(INVALID, json!(26))),
        // ---- bodies that are not JSON ----
        ("not JSON", frame("{not json"), Error(PARSE, null.clone())),
        ("an empty body", frame(""), Error(PARSE, null.clone())),
        ("invalid UTF-8 in a string", frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"), Error(PARSE, null.clone())),
        ("invalid UTF-8 outside strings", frame(b"\xff\xfe\xfd"), Error(PARSE, null.clone())),
        ("a lone high surrogate", frame(r#"{"jsonrpc":"2.0","method":"x","params":{"s":"\ud800"}}"#), Error(PARSE, null.clone())),
        ("a lone low surrogate", frame(r#"{"jsonrpc":"2.0","method":"x","params":{"s":"\udc00x"}}"#), Error(PARSE, null.clone())),
        ("100,000 nested arrays", frame(&deep_arrays), Error(PARSE, null.clone())),
        ("100,000 nested objects", frame(&deep_objects), Error(PARSE, null.clone())),
        ("a request with 100,000-deep params", frame(&deep_params), Error(PARSE, null.clone())),
        (
            "trailing garbage after the JSON",
            frame(r#"{"jsonrpc":"2.0","method":"x"} junk"#),
            NullErrors(&[PARSE, PARSE]),
        ),
        ("NaN", frame(r#"{"jsonrpc":"2.0","id":NaN,"method":"x"}"#), Error(PARSE, null.clone())),
        ("a byte-order mark", frame(b"\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"), Error(PARSE, null.clone())),
        ("a raw control character in a string", frame("{\"jsonrpc\":\"2.0\",\"method\":\"a\u{1}b\"}"), Error(PARSE, null.clone())),
        ("an id of 1e400", frame(r#"{"jsonrpc":"2.0","id":1e400,"method":"x"}"#), Error(PARSE, null.clone())),
        // ---- framing ----
        ("a garbage line", raw("garbage\r\n"), NullErrors(&[PARSE])),
        ("garbage without a line break", raw("garbage"), NullErrors(&[PARSE])),
        ("NUL bytes", raw("\0\0\0\r\n"), NullErrors(&[PARSE])),
        ("a negative Content-Length", raw("Content-Length: -5\r\n\r\n{}"), NullErrors(&[PARSE])),
        ("a non-numeric Content-Length", raw("Content-Length: abc\r\n\r\n{}"), NullErrors(&[PARSE])),
        ("a float Content-Length", raw("Content-Length: 2.0\r\n\r\n{}"), NullErrors(&[PARSE])),
        ("an exponent Content-Length", raw("Content-Length: 2e9\r\n\r\n{}"), NullErrors(&[PARSE])),
        ("an empty Content-Length", raw("Content-Length: \r\n\r\n{}"), NullErrors(&[PARSE])),
        ("no Content-Length", raw("Content-Type: application/json\r\n\r\n{}"), NullErrors(&[PARSE])),
        ("two different Content-Lengths", raw("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}}"), NullErrors(&[PARSE, PARSE, PARSE])),
        ("two equal Content-Lengths", {
            let body = request_body.replace("1001", "27");
            format!("Content-Length: {0}\r\nContent-Length: {0}\r\n\r\n{body}", body.len()).into_bytes()
        }, Answer(27)),
        ("a header without its blank line", raw("Content-Length: 2\r\n{}"), NullErrors(&[PARSE])),
        ("a header block and nothing else", raw("Content-Length: 9\r\nX: y\r\n"), NullErrors(&[PARSE])),
        (
            "a Content-Length too small",
            [format!("Content-Length: {}\r\n\r\n", request_body.len() / 2).into_bytes(), request_body.clone().into_bytes()].concat(),
            NullErrors(&[PARSE, PARSE]),
        ),
        (
            "a Content-Length too large",
            [format!("Content-Length: {}\r\n\r\n", request_body.len() + 50).into_bytes(), request_body.clone().into_bytes()].concat(),
            NullErrors(&[PARSE]),
        ),
        ("Content-Length 1e12 (digits)", raw("Content-Length: 1000000000000\r\n\r\n{}"), NullErrors(&[INVALID])),
        ("Content-Length usize::MAX", raw("Content-Length: 18446744073709551615\r\n\r\n{}"), NullErrors(&[INVALID])),
        ("Content-Length 2,000,000,000", raw("Content-Length: 2000000000\r\n\r\n"), NullErrors(&[INVALID])),
        ("Content-Length beyond 64 bits", raw("Content-Length: 99999999999999999999999\r\n\r\n"), NullErrors(&[INVALID])),
        ("a 100 KB header line", [b"X-Long: ".to_vec(), vec![b'y'; 100_000], b"\r\n\r\n".to_vec()].concat(), NullErrors(&[PARSE])),
        (
            "40 header lines",
            [b"X: y\r\n".repeat(40), frame(r#"{"jsonrpc":"2.0","id":28,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///hostile/doc.py"},"position":{"line":0,"character":0}}}"#)].concat(),
            NullErrors(&[PARSE]),
        ),
        (
            "lowercase header, LF line ends, leading zeros",
            format!(
                "content-length: 0{}\n\n{}",
                request_body.replace("1001", "29").len(),
                request_body.replace("1001", "29")
            )
            .into_bytes(),
            Answer(29),
        ),
        ("blank lines between frames", raw("\r\n\r\n\n"), Silent),
    ]
}

#[test]
fn every_hostile_input_is_answered_and_the_server_keeps_serving() {
    let cases = catalogue();
    assert!(cases.len() >= 60, "{} entries", cases.len());
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let expected = client.call("textDocument/hover", hover_params());
    assert!(
        expected["contents"]["value"].as_str().is_some(),
        "{expected}"
    );
    for (name, bytes, expect) in cases {
        client.other_responses.clear();
        client.send_raw(&bytes);
        // A clean frame boundary for the entries that leave a header block open.
        let normal = client.request("textDocument/hover", hover_params());
        assert_eq!(
            normal["result"], expected,
            "{name}: the next request was not served: {normal}"
        );
        let others = std::mem::take(&mut client.other_responses);
        let codes: Vec<i64> = others
            .iter()
            .map(|r| r["error"]["code"].as_i64().unwrap_or(0))
            .collect();
        match expect {
            Expect::Error(code, Value::Number(id)) => {
                let response = client.wait_response(id.as_i64().unwrap());
                assert_eq!(response["error"]["code"], code, "{name}: {response}");
                assert!(others.is_empty(), "{name}: extra responses {others:?}");
            }
            Expect::Error(code, id) => {
                assert_eq!(codes, [code], "{name}: {others:?}");
                assert_eq!(others[0]["id"], id, "{name}");
            }
            Expect::NullErrors(expected_codes) => {
                assert_eq!(codes, expected_codes, "{name}: {others:?}");
                assert!(
                    others.iter().all(|r| r["id"].is_null()),
                    "{name}: {others:?}"
                );
            }
            Expect::Answer(id) => {
                let response = client.wait_response(id);
                assert_eq!(response["result"], expected, "{name}: {response}");
                assert!(others.is_empty(), "{name}: extra responses {others:?}");
            }
            Expect::AnswerStr(id) => {
                // Answered by a worker: possibly after the normal request.
                let mut others = others;
                while others.is_empty() {
                    client.pump(common::lsp_client::GUARD).expect("an answer");
                    others.append(&mut client.other_responses);
                }
                assert_eq!(others.len(), 1, "{name}: {others:?}");
                assert_eq!(others[0]["id"], id, "{name}");
                assert_eq!(others[0]["result"], expected, "{name}");
            }
            Expect::Silent => assert!(others.is_empty(), "{name}: {others:?}"),
        }
    }
    assert!(client.shutdown_and_exit().success());
}

/// Documents that once made requests slow or the server unresponsive: each is opened, its
/// hints, lenses and a hover are answered, and a normal request on another document after it.
#[test]
fn pathological_documents_are_served() {
    let many_closures: String = (0..20_000)
        .map(|i| format!("def f{i}(a):\n    return lambda: a\n"))
        .collect();
    let documents = [
        ("backslash continuations", "x = 1 \\\n".repeat(5_000) + "\n"),
        (
            "one 1 MB line of names",
            "x = ".to_owned() + &"abc + ".repeat(170_000) + "1\n",
        ),
        (
            "100,000 nested parentheses",
            format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        (
            "5,000 nested lambdas",
            format!("f = {}0\n", "lambda: ".repeat(5_000)),
        ),
        (
            "NUL, BOM and lone CR",
            "\u{feff}\0def f(n):\r    return lambda: n\r\r\n".to_owned(),
        ),
        ("40,000 closures", many_closures),
        (
            "emoji everywhere",
            "def 𝔣(😀=1):\n    é = '😀'\n    return lambda: é\n".repeat(2_000),
        ),
    ];
    let mut client = TestServer::start();
    client.initialize_default();
    client.open(URI, TEXT);
    let expected = client.call("textDocument/hover", hover_params());
    for (i, (name, text)) in documents.iter().enumerate() {
        let uri = format!("file:///hostile/patho{i}.py");
        client.open(&uri, text);
        let hints = client.all_hints(&uri);
        assert!(hints.is_array(), "{name}: {hints}");
        assert!(
            hints.as_array().unwrap().len() <= 5_000,
            "{name}: the response budget was not applied"
        );
        let lenses = client.call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        let lenses = lenses.as_array().unwrap();
        assert!(lenses.len() <= 5_000, "{name}");
        // Cut to the budget in source order: the first lenses of the document.
        let starts: Vec<(u64, u64)> = lenses
            .iter()
            .map(|l| {
                let start = &l["range"]["start"];
                (
                    start["line"].as_u64().unwrap(),
                    start["character"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(starts.is_sorted(), "{name}: lenses out of source order");
        if *name == "40,000 closures" {
            assert_eq!(starts.len(), 5_000, "{name}");
            // Two lenses a def (its captured cell, the lambda's capture): the first 2,500 defs.
            assert_eq!(starts[0], (0, 4), "{name}");
            assert_eq!(starts[4_999].0, 4_999, "{name}");
        }
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
        );
        assert_eq!(
            client.call("textDocument/hover", hover_params()),
            expected,
            "{name}"
        );
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
}

/// Edits with hostile positions: they clamp or round down (never panic), and the text stays the
/// one the documented rule gives.
#[test]
fn hostile_edits_are_applied_by_the_documented_rule() {
    let mut client = TestServer::start();
    client.initialize_default();
    let uri = "file:///hostile/edits.py";
    client.open(uri, "a😀b\nx\n");
    // Inside the surrogate pair (UTF-16 column 2): the start of the emoji.
    client.change(
        uri,
        2,
        json!({"line": 0, "character": 2}),
        json!({"line": 0, "character": 2}),
        "|",
    );
    assert_eq!(client.debug_text(uri)["text"], "a|😀b\nx\n");
    // A range ending inside it deletes up to its start.
    client.change(
        uri,
        3,
        json!({"line": 0, "character": 1}),
        json!({"line": 0, "character": 3}),
        "",
    );
    assert_eq!(client.debug_text(uri)["text"], "a😀b\nx\n");
    // Far past the end, reversed ranges, a lower version: clamped and applied.
    client.change(
        uri,
        1,
        json!({"line": 99, "character": 99}),
        json!({"line": 1, "character": 0}),
        "",
    );
    assert_eq!(
        client.debug_text(uri),
        json!({"version": 3, "text": "a😀b\n"})
    );
    // Edits to unknown documents, a second open, a double close: no effect, no answer.
    client.change(
        "file:///nowhere.py",
        2,
        json!({"line": 0, "character": 0}),
        json!({"line": 0, "character": 0}),
        "x",
    );
    client.open(uri, "y = 1\n");
    assert_eq!(client.debug_text(uri)["text"], "y = 1\n");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.debug_text(uri), Value::Null);
    let def = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos_of("y", "y", 0, 0)}),
    );
    assert_eq!(def["result"], Value::Null);
}

/// The lifecycle rules: before `initialize`, after `shutdown`, `shutdown` with params, `exit`.
#[test]
fn lifecycle_is_enforced() {
    let mut client = TestServer::start();
    // Before initialize: requests get -32002, notifications are dropped.
    let response = client.request("textDocument/hover", hover_params());
    assert_eq!(response["error"]["code"], -32002);
    client.open(URI, TEXT);
    client.initialize_default();
    assert_eq!(client.debug_text(URI), Value::Null);
    client.open(URI, TEXT);
    // shutdown with params is accepted.
    let response = client.request("shutdown", json!({"unexpected": true}));
    assert!(response.get("error").is_none(), "{response}");
    let response = client.request("textDocument/hover", hover_params());
    assert_eq!(response["error"]["code"], INVALID);
    assert!(client.wait_exit().success());
}

fn vm_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The lengths that once aborted the process or allocated gigabytes, sent to the real binary:
/// answered with an error, served afterwards, and the peak memory stays that of an idle server.
#[test]
fn hostile_lengths_over_stdio_keep_memory_bounded() {
    let mut client = LspClient::spawn();
    client.initialize_default();
    client.open(URI, TEXT);
    let expected = client.call("textDocument/hover", hover_params());
    for claimed in [
        "1000000000000",
        "18446744073709551615",
        "2000000000",
        "67108865",
    ] {
        client.other_responses.clear();
        client.send_raw(format!("Content-Length: {claimed}\r\n\r\n").as_bytes());
        // Part of a body, as a hostile client would send it.
        client.send_raw(&vec![b'x'; 1 << 20]);
        assert_eq!(
            client.call("textDocument/hover", hover_params()),
            expected,
            "{claimed}"
        );
        assert_eq!(client.other_responses.len(), 1, "{claimed}");
        assert_eq!(client.other_responses[0]["error"]["code"], INVALID);
    }
    let peak_kb = vm_kb(client.pid(), "VmHWM:");
    println!("peak RSS after hostile lengths: {} MB", peak_kb / 1024);
    assert!(peak_kb > 0 && peak_kb < 200 * 1024, "peak RSS {peak_kb} kB");
    assert!(client.shutdown_and_exit().success());
}

/// Exit codes and a prompt exit when the input closes with requests in flight (real binary).
#[test]
fn stdin_closing_with_requests_in_flight_exits_promptly() {
    let mut client = LspClient::spawn();
    client.initialize_default();
    let big: String = (0..30_000)
        .map(|i| format!("def f{i}(a):\n    return lambda: a\n"))
        .collect();
    client.open("file:///big.py", &big);
    for _ in 0..20 {
        client.send_request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": "file:///big.py"}}),
        );
    }
    let began = std::time::Instant::now();
    assert_eq!(client.wait_exit().code(), Some(1));
    assert!(
        began.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
}
