//! LSP benchmark client: drives the release `closure-lens` binary over stdio, as an editor does,
//! on the stdlib's `test/test_typing.py`, and prints figures (no pass/fail).
//!
//! Run with `cargo bench --bench lsp`.

mod common;
#[path = "../tests/common/lsp_client.rs"]
#[allow(dead_code)]
mod lsp_client;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{ms, percentile, stdlib};
use lsp_client::{LspClient, file_uri, utf16_pos};
use serde_json::{Value, json};

const CYCLES: usize = 200;
const VISIBLE_LINES: u64 = 60;

/// Identifiers assigned at the start of an indented line (inside a function body): (byte offset of
/// the identifier's second character, line number).
fn body_edit_sites(text: &str) -> Vec<usize> {
    let mut sites = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent >= 8 {
            let ident: String = trimmed
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if ident.len() >= 2
                && !ident.chars().next().unwrap().is_ascii_digit()
                && trimmed[ident.len()..].starts_with(" = ")
            {
                sites.push(offset + indent + 1);
            }
        }
        offset += line.len();
    }
    sites
}

fn hints(client: &mut LspClient, uri: &str, first: u64, last: u64) -> Value {
    client.inlay_hints(
        uri,
        json!({"line": first, "character": 0}),
        json!({"line": last, "character": 0}),
    )
}

/// What an edit cycle asks for after the edit.
#[derive(Clone, Copy, PartialEq)]
enum Ask {
    /// Inlay hints of the lines around the edit.
    VisibleHints,
    /// Inlay hints of the whole file.
    WholeHints,
    /// The file's diagnostics (`textDocument/diagnostic`).
    Diagnostics,
}

/// (edit → `ask`) cycles; returns the latencies.
fn edit_cycles(
    client: &mut LspClient,
    uri: &str,
    text: &mut String,
    version: &mut i32,
    ask: Ask,
    mut cached: Option<&mut Vec<Duration>>,
) -> Vec<Duration> {
    let sites = body_edit_sites(text);
    assert!(!sites.is_empty(), "no edit sites");
    let mut samples = Vec::with_capacity(CYCLES);
    for i in 0..CYCLES {
        // Insert `_` into an assigned identifier, then take it out again on the next cycle.
        let site = sites[(i / 2 * 37) % sites.len()];
        let start = utf16_pos(text, site);
        let line = start["line"].as_u64().unwrap();
        *version += 1;
        let began = Instant::now();
        if i % 2 == 0 {
            client.change(uri, *version, start.clone(), start, "_");
            text.insert(site, '_');
        } else {
            client.change(uri, *version, start.clone(), utf16_pos(text, site + 1), "");
            text.remove(site);
        }
        let first = line.saturating_sub(VISIBLE_LINES / 2);
        let result = match ask {
            Ask::VisibleHints => hints(client, uri, first, first + VISIBLE_LINES),
            Ask::WholeHints => hints(client, uri, 0, 1_000_000),
            Ask::Diagnostics => client.call(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": uri}}),
            ),
        };
        samples.push(began.elapsed());
        match ask {
            Ask::Diagnostics => assert_eq!(result["kind"], "full", "diagnostics failed: {result}"),
            _ => assert!(result.is_array(), "hints failed: {result}"),
        }
        // Every mode asks the same version again before the next edit (the server then has had
        // the same time for its background work in every mode, so the modes compare).
        let began = Instant::now();
        hints(client, uri, first, first + VISIBLE_LINES);
        if let Some(cached) = cached.as_mut() {
            cached.push(began.elapsed());
        }
    }
    samples
}

fn largest_python_files(root: &Path, n: usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if !path.ends_with("site-packages") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "py") {
                files.push((meta.len(), path));
            }
        }
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files.into_iter().take(n).map(|(_, p)| p).collect()
}

fn vm_kb(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The server's own work per edit, without the pipe: apply the change (text, line index,
/// incremental reparse), then the analysis of the new version (chunks reused).
fn in_process_edits(text: &str) {
    use closure_lens::line_index::Encoding;
    use closure_lens::lsp::documents::Document;
    use ls_types::{Position, Range, TextDocumentContentChangeEvent};

    let uri = "file:///bench.py".parse().unwrap();
    let mut doc = Document::new(uri, 1, text.to_owned(), Default::default());
    doc.analysis();
    // As the server does in the background after the first analysis.
    doc.warm();
    let sites = body_edit_sites(text);
    let (mut apply, mut analyse) = (Vec::new(), Vec::new());
    for i in 0..CYCLES {
        let site = sites[(i / 2 * 37) % sites.len()];
        let pos = utf16_pos(&doc.text, site);
        let at = Position::new(
            pos["line"].as_u64().unwrap() as u32,
            pos["character"].as_u64().unwrap() as u32,
        );
        let end = if i % 2 == 0 {
            at
        } else {
            Position::new(at.line, at.character + 1)
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, end)),
            range_length: None,
            text: if i % 2 == 0 {
                "_".into()
            } else {
                String::new()
            },
        };
        let began = Instant::now();
        doc.apply_changes(i as i32 + 2, &[change], Encoding::Utf16);
        doc.tree();
        apply.push(began.elapsed());
        let began = Instant::now();
        doc.analysis();
        analyse.push(began.elapsed());
    }
    println!(
        "in-process per edit: apply + reparse median {:6.2} ms (p95 {:6.2}); re-analysis median {:6.2} ms (p95 {:6.2})",
        percentile(&mut apply, 0.5),
        percentile(&mut apply, 0.95),
        percentile(&mut analyse, 0.5),
        percentile(&mut analyse, 0.95)
    );
}

/// A hover on a small document while a big one (test_typing.py repeated to `mb` MB) is opened
/// and edited: its latency, the big document's hint latency, and the server's peak memory.
fn responsiveness(source: &str, mb: usize, edits: usize) {
    let big_text = source.repeat(mb * 1_000_000 / source.len() + 1);
    let small = "file:///bench/small.py";
    let small_text = "def make(n):\n    def add(x):\n        return x + n\n    return add\n";
    let big = "file:///bench/big.py";
    // A generous budget: the figures are about waiting, not about the time-out. (Set
    // CLOSURE_LENS_BENCH_PLAIN=1 to bench a server that predates `--request-timeout`.)
    let args: &[&str] = match std::env::var_os("CLOSURE_LENS_BENCH_PLAIN") {
        Some(_) => &["serve", "--stdio"],
        None => &["serve", "--stdio", "--request-timeout", "600"],
    };
    let mut client = LspClient::spawn_with(env!("CARGO_BIN_EXE_closure-lens"), args, &[]);
    client.initialize(json!({}), Value::Null);
    client.open(small, small_text);
    let hover = json!({"textDocument": {"uri": small}, "position": {"line": 2, "character": 19}});
    client.call("textDocument/hover", hover.clone());
    let visible = json!({"textDocument": {"uri": big}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": VISIBLE_LINES, "character": 0}}});
    let mut hovers = Vec::new();
    let mut big_hints = Vec::new();
    for version in 1..=edits as i32 + 1 {
        let began = Instant::now();
        if version == 1 {
            client.open(big, &big_text);
        } else {
            let at = json!({"line": 10, "character": 0});
            client.change(big, version, at.clone(), at, "#\n");
        }
        let hints = client.send_request("textDocument/inlayHint", visible.clone());
        let quick = client.send_request("textDocument/hover", hover.clone());
        client.wait_response(quick);
        hovers.push(began.elapsed());
        let answer = client.wait_response_within(hints, Duration::from_secs(900));
        big_hints.push(began.elapsed());
        assert!(
            answer.get("result").is_some(),
            "hints on the big document: {answer}"
        );
    }
    let open_hover = ms(hovers[0]);
    let open_hints = ms(big_hints[0]);
    println!(
        "{mb} MB document: hover on a small document {open_hover:8.2} ms after its didOpen (its own first hints: {open_hints:.0} ms)"
    );
    if edits > 0 {
        let (mut hovers, mut big_hints) = (hovers[1..].to_vec(), big_hints[1..].to_vec());
        println!(
            "  after each of {edits} edits to it: small hover median {:6.2} ms (p95 {:6.2}); its hints median {:.0} ms",
            percentile(&mut hovers, 0.5),
            percentile(&mut hovers, 0.95),
            percentile(&mut big_hints, 0.5)
        );
    }
    let rss = vm_kb(client.pid(), "VmHWM:").unwrap_or(0) as f64 / 1024.0;
    println!(
        "  peak RSS (VmHWM) with it open: {rss:.0} MB ({:.1}x the text)",
        rss * 1024.0 * 1024.0 / big_text.len() as f64
    );
    assert!(client.shutdown_and_exit().success());
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let stdlib = stdlib();
    let path = stdlib.join("test").join("test_typing.py");
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let uri = file_uri(&path);
    println!(
        "closure-lens LSP benchmark on {} ({} KB)",
        path.display(),
        text.len() / 1024
    );

    // In-process figures for the pieces (same build): full parse and one analysis.
    let mut parse = Vec::new();
    let mut analyze = Vec::new();
    for _ in 0..10 {
        let began = Instant::now();
        let tree = closure_lens::syntax::parse(&text);
        parse.push(began.elapsed());
        let began = Instant::now();
        let analysis = closure_lens::analysis::analyze(&text, &tree, Default::default());
        analyze.push(began.elapsed());
        std::hint::black_box(analysis);
    }
    println!(
        "in-process: full parse median {:7.2} ms; analyze median {:7.2} ms",
        percentile(&mut parse, 0.5),
        percentile(&mut analyze, 0.5)
    );
    in_process_edits(&text);

    let mut client = LspClient::spawn();
    let began = Instant::now();
    client.initialize(
        json!({"general": {"positionEncodings": ["utf-16"]}}),
        Value::Null,
    );
    println!(
        "initialize:                         {:8.2} ms",
        ms(began.elapsed())
    );

    let began = Instant::now();
    client.open(&uri, &text);
    let first = hints(&mut client, &uri, 0, VISIBLE_LINES);
    println!(
        "didOpen -> first inlay hints:       {:8.2} ms ({} hints in the first {VISIBLE_LINES} lines)",
        ms(began.elapsed()),
        first.as_array().map_or(0, Vec::len)
    );
    let all = hints(&mut client, &uri, 0, 1_000_000);
    println!(
        "hints in the whole file:            {:8}",
        all.as_array().map_or(0, Vec::len)
    );

    let mut version = 1;
    let mut cached = Vec::new();
    let mut visible = edit_cycles(
        &mut client,
        &uri,
        &mut text,
        &mut version,
        Ask::VisibleHints,
        Some(&mut cached),
    );
    println!(
        "edit -> hints, {VISIBLE_LINES}-line range ({CYCLES}x): median {:7.2} ms, p95 {:7.2} ms",
        percentile(&mut visible, 0.5),
        percentile(&mut visible, 0.95)
    );
    println!(
        "  same version again (analysis cached):   median {:7.2} ms, p95 {:7.2} ms",
        percentile(&mut cached, 0.5),
        percentile(&mut cached, 0.95)
    );
    let mut whole = edit_cycles(
        &mut client,
        &uri,
        &mut text,
        &mut version,
        Ask::WholeHints,
        None,
    );
    println!(
        "edit -> hints, whole file ({CYCLES}x):    median {:7.2} ms, p95 {:7.2} ms",
        percentile(&mut whole, 0.5),
        percentile(&mut whole, 0.95)
    );
    // The same edits again, each followed by the file's diagnostics (pull).
    let mut diagnostics = edit_cycles(
        &mut client,
        &uri,
        &mut text,
        &mut version,
        Ask::Diagnostics,
        None,
    );
    let diagnostics_median = percentile(&mut diagnostics, 0.5);
    println!(
        "edit -> diagnostics ({CYCLES}x):         median {:7.2} ms, p95 {:7.2} ms ({:+.2} ms vs edit -> hints, {VISIBLE_LINES}-line range)",
        diagnostics_median,
        percentile(&mut diagnostics, 0.95),
        diagnostics_median - percentile(&mut visible, 0.5)
    );
    // The edited document answers as a fresh open of the same text does.
    let fresh = format!("{uri}.fresh.py");
    client.open(&fresh, &text);
    let edited = hints(&mut client, &uri, 0, 1_000_000).to_string();
    let expected = hints(&mut client, &fresh, 0, 1_000_000).to_string();
    assert_eq!(
        edited,
        expected.replace(&fresh, &uri),
        "server text diverged"
    );
    assert!(client.shutdown_and_exit().success());

    // Memory: 20 of the largest stdlib files open (each analysed once through a hints request).
    let mut client = LspClient::spawn();
    client.initialize(json!({}), Value::Null);
    let files = largest_python_files(&stdlib, 20);
    let mut total = 0;
    let mut uris = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        total += text.len();
        let uri = file_uri(file);
        client.open(&uri, &text);
        uris.push(uri);
    }
    // A request answered after every didOpen was read.
    client.at(
        "textDocument/hover",
        &uris[0],
        json!({"line": 0, "character": 0}),
    );
    let opened = vm_kb(client.pid(), "VmRSS:").unwrap_or(0);
    for uri in &uris {
        hints(&mut client, uri, 0, 1_000_000);
    }
    println!(
        "RSS with {} files open: {:.1} MB before analysis, {:.1} MB after",
        uris.len(),
        opened as f64 / 1024.0,
        vm_kb(client.pid(), "VmRSS:").unwrap_or(0) as f64 / 1024.0
    );
    let rss = vm_kb(client.pid(), "VmHWM:").map_or("unknown".into(), |kb| {
        format!("{:.1} MB", kb as f64 / 1024.0)
    });
    println!(
        "peak RSS (VmHWM), {} files / {} KB open: {rss}",
        files.len(),
        total / 1024
    );
    assert!(client.shutdown_and_exit().success());

    // Responsiveness and memory with a huge document open.
    let source = std::fs::read_to_string(&path).unwrap();
    responsiveness(&source, 20, 5);
    // CLOSURE_LENS_BENCH_HUGE=0 skips the 50 MB document (a server without a memory bound may
    // need tens of gigabytes for it).
    if std::env::var("CLOSURE_LENS_BENCH_HUGE").map_or(true, |v| v != "0") {
        responsiveness(&source, 50, 0);
    }
}
