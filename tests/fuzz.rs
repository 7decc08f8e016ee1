//! Structure-aware fuzzing on stable Rust (a seeded generator and a loop; no nightly, no extra
//! dependency): the engine on random Python-ish token streams and grammar-aware mutations of
//! stdlib code, and the server on random sequences of valid and invalid messages.
//!
//! `cargo test --test fuzz` runs a short pass (a few seconds each). The long run:
//!
//! ```text
//! CLOSURE_LENS_FUZZ_ENGINE=10000000 CLOSURE_LENS_FUZZ_PROTOCOL=1000000 \
//!   cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! `CLOSURE_LENS_FUZZ_SEED` picks the seed (default: fixed, so CI is repeatable);
//! `CLOSURE_LENS_FUZZ_MAX_SECS` stops each fuzzer after that many seconds (it then reports what
//! it tried). A failing input is written to `target/tmp/fuzz-failure-*` and named in the failure
//! message.

mod common;

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use closure_lens::analysis::{PythonVersion, analyze};
use closure_lens::lsp::jsonrpc::{self, Message};
use closure_lens::lsp::transport::{Frame, FrameReader};
use closure_lens::syntax::parse;
use common::lsp_client::pipe;
use serde_json::{Value, json};

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// When each fuzzer must stop, whatever its count.
fn deadline() -> Instant {
    let secs = env_count("CLOSURE_LENS_FUZZ_MAX_SECS", 24 * 3600);
    Instant::now() + Duration::from_secs(secs)
}

fn seed() -> u64 {
    env_count("CLOSURE_LENS_FUZZ_SEED", 0x5eed_cafe)
}

fn save_failure(kind: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("fuzz-failure-{kind}-{}", std::process::id()));
    let _ = std::fs::write(&path, bytes);
    path
}

// ---- engine -------------------------------------------------------------------------------

const KEYWORDS: &[&str] = &[
    "def", "lambda", "class", "nonlocal", "global", "return", "yield", "await", "async", "for",
    "in", "if", "else", "elif", "while", "with", "as", "try", "except", "except*", "finally",
    "import", "from", "del", "match", "case", "type", "pass", "not", "and", "or", "is", "raise",
];
const NAMES: &[&str] = &[
    "a",
    "b",
    "x",
    "self",
    "cls",
    "__class__",
    "super",
    "__x",
    "_C__x",
    "é",
    "変数",
    "𝔘",
    "i",
    "f",
    "T",
    "print",
    "__annotations__",
    "__classdict__",
    "__debug__",
];
const PUNCT: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "+=",
    ".",
    "*",
    "**",
    "@",
    "->",
    ":=",
    ";",
    "|",
    "-",
    "<",
    "!=",
    "...",
    "\\\n",
    "#c",
    "\"s\"",
    "'''t\n'''",
    "f\"{x}\"",
    "1",
    "0x1",
    "1.5j",
];

/// A random Python-ish token stream with random line breaks and indentation.
fn token_stream(rng: &mut Rng) -> String {
    let mut text = String::new();
    let tokens = 1 + rng.below(80);
    let mut indent = 0usize;
    for _ in 0..tokens {
        match rng.below(10) {
            0..=2 => text.push_str(rng.pick::<&str>(KEYWORDS)),
            3..=5 => text.push_str(rng.pick::<&str>(NAMES)),
            6..=8 => text.push_str(rng.pick::<&str>(PUNCT)),
            _ => {
                text.push('\n');
                indent = match rng.below(3) {
                    0 => indent + 4,
                    1 => indent.saturating_sub(4 * rng.below(3)),
                    _ => indent,
                };
                if rng.chance(20) {
                    // Tabs and odd indents too.
                    text.push('\t');
                }
                text.push_str(&" ".repeat(indent.min(200)));
                continue;
            }
        }
        text.push(' ');
    }
    text
}

fn stdlib_sources() -> &'static [String] {
    static SOURCES: OnceLock<Vec<String>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sysconfig;print(sysconfig.get_paths()['stdlib'])",
            ])
            .output();
        let Ok(out) = out else { return Vec::new() };
        let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let mut files = Vec::new();
        for name in [
            "functools.py",
            "dataclasses.py",
            "typing.py",
            "inspect.py",
            "enum.py",
            "contextlib.py",
            "test/test_scope.py",
            "test/test_grammar.py",
            "test/test_super.py",
            "asyncio/tasks.py",
        ] {
            if let Ok(text) = std::fs::read_to_string(root.join(name)) {
                files.push(text);
            }
        }
        files
    })
}

/// A window of a stdlib file, mutated with awareness of its grammar: a syntax node replaced by
/// another node of the same kind from elsewhere, lines deleted, duplicated, re-indented, or
/// tokens spliced in.
fn mutated_stdlib(rng: &mut Rng) -> Option<String> {
    let sources = stdlib_sources();
    if sources.is_empty() {
        return None;
    }
    let source = rng.pick(sources);
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let start = rng.below(lines.len());
    let len = 1 + rng.below(60);
    let mut text: String = lines[start..(start + len).min(lines.len())].concat();
    for _ in 0..1 + rng.below(4) {
        text = match rng.below(5) {
            0 => {
                let donor: &str = &sources[rng.below(sources.len())];
                swap_node(rng, &text, donor)
            }
            1 => {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                let at = rng.below(lines.len());
                let n = rng.below(4);
                let mut out: Vec<&str> = lines[..at].to_vec();
                out.extend(&lines[(at + n).min(lines.len())..]);
                if rng.chance(2) {
                    out.extend(&lines[at..(at + n).min(lines.len())]);
                }
                out.concat()
            }
            2 => text
                .split_inclusive('\n')
                .map(|l| match rng.below(12) {
                    0 => format!("    {l}"),
                    1 => l.strip_prefix("    ").unwrap_or(l).to_owned(),
                    _ => l.to_owned(),
                })
                .collect(),
            3 => {
                let mut at = rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let stream = token_stream(rng);
                let cut = stream.len().min(1 + rng.below(30));
                let mut cut = cut;
                while !stream.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.insert_str(at, &stream[..cut]);
                text
            }
            _ => {
                let mut cut = rng.below(text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
                text
            }
        };
    }
    Some(text)
}

/// Replaces a random named node of `text` by a node of the same kind from `donor`.
fn swap_node(rng: &mut Rng, text: &str, donor: &str) -> String {
    let tree = parse(text);
    let mut nodes = Vec::new();
    let mut cursor = tree.walk();
    collect_named(&mut cursor, &mut nodes, 400);
    if nodes.is_empty() {
        return text.to_owned();
    }
    let (kind, start, end) = *rng.pick(&nodes);
    let donor_window: String = {
        let at = rng.below(donor.len());
        let mut from = at.min(donor.len());
        while !donor.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (from + 4000).min(donor.len());
        while !donor.is_char_boundary(to) {
            to -= 1;
        }
        donor[from..to].to_owned()
    };
    let donor_tree = parse(&donor_window);
    let mut cursor = donor_tree.walk();
    let mut donors = Vec::new();
    collect_named(&mut cursor, &mut donors, 2000);
    let same: Vec<_> = donors.iter().filter(|(k, _, _)| *k == kind).collect();
    let Some(&&(_, ds, de)) = (!same.is_empty()).then(|| rng.pick(&same)) else {
        return text.to_owned();
    };
    format!(
        "{}{}{}",
        &text[..start],
        &donor_window[ds..de],
        &text[end..]
    )
}

fn collect_named<'t>(
    cursor: &mut tree_sitter::TreeCursor<'t>,
    out: &mut Vec<(u16, usize, usize)>,
    limit: usize,
) {
    loop {
        let node = cursor.node();
        if node.is_named() && out.len() < limit {
            out.push((node.kind_id(), node.start_byte(), node.end_byte()));
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[test]
fn engine_never_panics_on_random_and_mutated_python() {
    let inputs = env_count("CLOSURE_LENS_FUZZ_ENGINE", 3_000);
    let seed = seed();
    let began = Instant::now();
    let stop = deadline();
    let handle = std::thread::Builder::new()
        .stack_size(closure_lens::lsp::documents::ANALYSIS_STACK)
        .spawn(move || {
            let mut rng = Rng::new(seed);
            let mut bytes = 0usize;
            let mut tried = 0u64;
            for n in 0..inputs {
                if n % 100_000 == 0 && n > 0 {
                    eprintln!(
                        "engine fuzz: {n} inputs, {:.0} s",
                        began.elapsed().as_secs_f64()
                    );
                    if Instant::now() > stop {
                        break;
                    }
                }
                tried += 1;
                let text = if rng.chance(2) {
                    token_stream(&mut rng)
                } else {
                    mutated_stdlib(&mut rng).unwrap_or_else(|| token_stream(&mut rng))
                };
                bytes += text.len();
                let version = *rng.pick(&PythonVersion::ALL);
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let tree = parse(&text);
                    analyze(&text, &tree, version)
                }));
                if outcome.is_err() {
                    let path = save_failure("engine", text.as_bytes());
                    panic!(
                        "the engine panicked on input {n} ({version}), saved to {}",
                        path.display()
                    );
                }
            }
            (tried, bytes)
        })
        .unwrap();
    let (inputs, bytes) = handle.join().expect("engine fuzzing failed");
    println!(
        "engine fuzz: {inputs} inputs ({} MB) in {:.1} s, seed {seed:#x}, 0 panics",
        bytes / 1_000_000,
        began.elapsed().as_secs_f64()
    );
}

// ---- protocol -----------------------------------------------------------------------------

const DOC_TEXT: &str = "def make(n):\n    count = 0\n    def inc(é):\n        nonlocal count\n        count += n  # 😀\n        return lambda: (count, é)\n    return inc\n\nclass C:\n    def m(self):\n        return super().m()\n";

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn position(rng: &mut Rng) -> Value {
    let big = [0u64, 1, 2, 5, 12, 100, 4_000_000_000];
    json!({"line": *rng.pick(&big[..5]) + rng.below(3) as u64, "character": *rng.pick(&big)})
}

fn uri(rng: &mut Rng) -> String {
    format!("file:///fuzz/{}.py", rng.below(3))
}

/// One random message: mostly valid LSP, some invalid JSON-RPC, some broken frames.
fn message(rng: &mut Rng, next_id: &mut i64, ids: &mut Vec<i64>) -> Vec<u8> {
    let mut request = |method: &str, params: Value| {
        *next_id += 1;
        ids.push(*next_id);
        frame(
            json!({"jsonrpc": "2.0", "id": *next_id, "method": method, "params": params})
                .to_string()
                .as_bytes(),
        )
    };
    let notify = |method: &str, params: Value| {
        frame(
            json!({"jsonrpc": "2.0", "method": method, "params": params})
                .to_string()
                .as_bytes(),
        )
    };
    match rng.below(24) {
        0 => {
            let mut text = DOC_TEXT.to_owned();
            if rng.chance(2) {
                text = token_stream(rng);
            }
            notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri(rng), "languageId": "python", "version": rng.below(5), "text": text}}),
            )
        }
        1..=5 => {
            let insert = *rng.pick(&[
                "x",
                "",
                "\n",
                "    ",
                "é",
                "😀",
                "(",
                "def g():\n  return n\n",
                "\\\n",
                "\r",
            ]);
            let change = if rng.chance(15) {
                json!({"text": token_stream(rng)})
            } else {
                json!({"range": {"start": position(rng), "end": position(rng)}, "text": insert})
            };
            notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri(rng), "version": rng.below(1000)}, "contentChanges": [change]}),
            )
        }
        6 => notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(rng)}}),
        ),
        7..=8 => request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(rng)}, "position": position(rng)}),
        ),
        9..=10 => request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri(rng)}, "range": {"start": position(rng), "end": position(rng)}}),
        ),
        11 => request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri(rng)}}),
        ),
        12 => request(
            rng.pick::<&str>(&["textDocument/documentHighlight", "textDocument/definition"]),
            json!({"textDocument": {"uri": uri(rng)}, "position": position(rng)}),
        ),
        13 => request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri(rng)}}),
        ),
        14 => notify(
            "$/cancelRequest",
            json!({"id": (*next_id - rng.below(5) as i64).max(1)}),
        ),
        15 => notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"closureLens": {"pythonVersion": *rng.pick(&["3.11", "3.12", "3.14", "2.7"]), "inlayHints": {"passThrough": rng.chance(2)}}}}),
        ),
        16 => request(
            rng.pick::<&str>(&[
                "textDocument/nonsense",
                "$/unknown",
                "closureLens/debugText",
            ]),
            json!({}),
        ),
        17 => request(
            "textDocument/hover",
            rng.pick(&[json!([1, 2]), json!({"textDocument": 5}), json!(null)])
                .clone(),
        ),
        // Invalid JSON-RPC: answered with an error (id null), not counted as requests.
        18 => frame(
            rng.pick(&[
                "1",
                "null",
                "[]",
                "[{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]",
                "{}",
                "{\"jsonrpc\":\"1.0\",\"method\":\"x\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":7}",
                "{not json",
                "{\"a\":\"\\ud800\"}",
            ])
            .as_bytes(),
        ),
        19 => {
            let mut body = vec![b'{'];
            body.extend((0..rng.below(40)).map(|_| rng.next() as u8));
            frame(&body)
        }
        20 => {
            let depth = 1 + rng.below(5000);
            frame(format!("{}{}", "[".repeat(depth), "]".repeat(depth)).as_bytes())
        }
        // Broken frames, each followed by the resynchronisation's target.
        21 => rng
            .pick(&[
                "garbage\r\n",
                "Content-Length: -1\r\n\r\n",
                "Content-Length: 1e3\r\n\r\n{}",
                "Content-Length: 1000000000000\r\n\r\n{}",
                "Content-Length: 18446744073709551615\r\n\r\n",
                "Content-Length: 2\r\n{}",
                "Content-Type: x\r\n\r\n",
                "\r\n\r\n\r\n",
            ])
            .as_bytes()
            .to_vec(),
        22 => {
            // A Content-Length too small or too large for its body.
            let body = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}).to_string();
            let claimed = if rng.chance(2) {
                body.len() / 2
            } else {
                body.len() + 20
            };
            let mut out = format!("Content-Length: {claimed}\r\n\r\n").into_bytes();
            out.extend_from_slice(body.as_bytes());
            out
        }
        _ => {
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            bytes
        }
    }
}

#[test]
fn server_survives_random_message_sequences() {
    let target = env_count("CLOSURE_LENS_FUZZ_PROTOCOL", 3_000);
    let mut rng = Rng::new(seed());
    let began = Instant::now();
    let mut sent = 0u64;
    let mut sessions = 0;
    let stop = deadline();
    while sent < target && Instant::now() < stop {
        if sessions % 200 == 0 && sessions > 0 {
            eprintln!(
                "protocol fuzz: {sent} messages, {:.0} s",
                began.elapsed().as_secs_f64()
            );
        }
        sessions += 1;
        let (mut input, server_input) = pipe();
        let (server_output, output) = pipe();
        let server = std::thread::spawn(move || {
            closure_lens::lsp::serve(
                server_input,
                server_output,
                closure_lens::lsp::Options {
                    request_budget: Duration::from_secs(60),
                    ..Default::default()
                },
            )
        });
        let (answered, answered_rx) = std::sync::mpsc::channel::<i64>();
        let responses = std::thread::spawn(move || {
            let mut reader = FrameReader::new(output, usize::MAX);
            let mut answers: Vec<(i64, Value)> = Vec::new();
            let mut internal = Vec::new();
            while let Some(Frame::Body(body)) = reader.next_frame() {
                match jsonrpc::parse(&body) {
                    Ok(Message::Notification(n)) => {
                        if n.params.to_string().contains("internal error") {
                            internal.push(n.params.to_string());
                        }
                    }
                    Ok(Message::Request(_)) => {}
                    Ok(Message::Response(r)) => {
                        if let Some(jsonrpc::RequestId::Int(id)) = r.id {
                            let _ = answered.send(id);
                            let error =
                                r.result.err().map(|e| json!(e.code)).unwrap_or(Value::Null);
                            answers.push((id, error));
                        }
                    }
                    Err(_) => {
                        // An id-null error response to an invalid message parses as a response.
                    }
                }
            }
            (answers, internal)
        });
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": if rng.chance(2) { json!({"general": {"positionEncodings": ["utf-8"]}}) } else { json!({}) }}});
        let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
        let mut bytes = frame(init.to_string().as_bytes());
        bytes.extend(frame(initialized.to_string().as_bytes()));
        input.write_all(&bytes).unwrap();
        let mut ids = vec![0];
        let mut next_id = 1000;
        let count = 200 + rng.below(400);
        let mut log = bytes;
        for _ in 0..count {
            let m = message(&mut rng, &mut next_id, &mut ids);
            input.write_all(&m).unwrap();
            log.extend_from_slice(&m);
        }
        sent += count as u64 + 2;
        // A clean frame boundary, then a normal request that must be served.
        let mut tail = b"\r\n".to_vec();
        next_id += 1;
        ids.push(next_id);
        tail.extend(frame(
            json!({"jsonrpc": "2.0", "id": next_id, "method": "textDocument/codeLens", "params": {"textDocument": {"uri": "file:///fuzz/0.py"}}})
                .to_string()
                .as_bytes(),
        ));
        next_id += 1;
        ids.push(next_id);
        tail.extend(frame(
            json!({"jsonrpc": "2.0", "id": next_id, "method": "shutdown"})
                .to_string()
                .as_bytes(),
        ));
        input.write_all(&tail).unwrap();
        log.extend_from_slice(&tail);
        // As clients do: `exit` after the answer to `shutdown`.
        let deadline = Instant::now() + Duration::from_secs(120);
        while answered_rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok_and(|id| id != next_id)
        {}
        let exit = frame(
            json!({"jsonrpc": "2.0", "method": "exit"})
                .to_string()
                .as_bytes(),
        );
        input.write_all(&exit).unwrap();
        log.extend_from_slice(&exit);
        let clean = server.join();
        drop(input);
        let (answers, internal) = responses.join().unwrap();
        let fail = |why: String| {
            let path = save_failure("protocol", &log);
            panic!(
                "session {sessions}: {why}; input saved to {}",
                path.display()
            );
        };
        match clean {
            Ok(true) => {}
            Ok(false) => fail("the session did not end cleanly".into()),
            Err(_) => fail("serve panicked".into()),
        }
        if !internal.is_empty() {
            fail(format!("internal errors: {internal:?}"));
        }
        // Every request is answered exactly once (`shutdown` waits for the ones before it).
        let mut seen = std::collections::HashMap::new();
        for (id, _) in &answers {
            *seen.entry(*id).or_insert(0) += 1;
        }
        if let Some((id, n)) = seen.iter().find(|(_, n)| **n > 1) {
            fail(format!("request {id} answered {n} times"));
        }
        for (id, error) in &answers {
            if !ids.contains(id) {
                fail(format!("an answer to {id}, which was never sent"));
            }
            if *error == json!(-32603) {
                fail(format!("request {id} got an internal error"));
            }
        }
        for id in &ids {
            if !seen.contains_key(id) {
                fail(format!("request {id} was not answered"));
            }
        }
    }
    println!(
        "protocol fuzz: {sent} messages in {sessions} sessions in {:.1} s, seed {:#x}, 0 panics",
        began.elapsed().as_secs_f64(),
        seed()
    );
}

/// Prints the frames of a saved protocol input (`REPLAY=path cargo test --test fuzz replay_frames
/// -- --ignored --nocapture`), to see what the server read.
#[test]
#[ignore]
fn replay_frames() {
    let Ok(path) = std::env::var("REPLAY") else {
        return;
    };
    let data = std::fs::read(path).unwrap();
    let mut reader = FrameReader::new(&data[..], 64 << 20);
    while let Some(f) = reader.next_frame() {
        match f {
            Frame::Body(b) => println!("BODY {}", String::from_utf8_lossy(&b[..b.len().min(120)])),
            other => println!("{other:?}"),
        }
    }
}
