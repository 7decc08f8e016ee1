//! LSP benchmark client: drives the release `closure-lens` binary over stdio, as an editor does,
//! on the stdlib's `test/test_typing.py` and on a generated 50,000-line module made of one class,
//! and prints figures (no pass/fail): latencies, their ratios to the in-process work they wait
//! for, memory, and the same latencies for ty and pyrefly (`peers/`, installed from PyPI into
//! `.cache/bench-peers` when missing; `CLOSURE_LENS_BENCH_PEERS=0` skips them).
//!
//! Run with `cargo bench --bench lsp`.

mod common;
#[path = "../tests/common/lsp_client.rs"]
#[allow(dead_code)]
mod lsp_client;
mod peers;
#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use common::{ms, percentile, stdlib};
use lsp_client::{LspClient, file_uri, utf16_pos};
use serde_json::{Value, json};
use synthetic::synthetic_class;

const CYCLES: usize = 200;
/// In-process edits in a `def`'s parameters (each re-analyses the enclosing class or module).
const HEADER_CYCLES: usize = 20;
/// In-process edits in a body in the first tenth of the file, then in its last tenth.
const PLACED_CYCLES: usize = 60;
/// Edit cycles for the peers, on `test_typing.py` and on the synthetic module (each of their
/// edits takes hundreds of milliseconds, or seconds).
const PEER_CYCLES: [usize; 2] = [40, 10];
const VISIBLE_LINES: u64 = 60;
/// Edit cycles for each other feature an editor asks after a change (lenses, tokens,
/// diagnostics): an even number, so the text comes back as it was.
const FEATURE_CYCLES: usize = 60;
/// Lines of the synthetic module (at least).
const SYNTHETIC_LINES: usize = 50_000;

/// Edit cycles right after didOpen (even: the text ends as it was).
const EARLY_CYCLES: usize = 6;

/// What an editor waits for: didOpen → first inlay hints, and each edit → the inlay hints of the
/// 60-line range around it.
pub struct Latencies {
    pub open: Duration,
    pub edits: Vec<Duration>,
    /// The same hints asked again before the next edit (the analysis cached): what a request
    /// costs over the pipe when nothing is left to compute (not measured for the peers).
    pub cached: Vec<Duration>,
}

/// The in-process medians (ms) of the work the stdio latencies wait for.
struct InProcess {
    parse: f64,
    analyze: f64,
    /// Apply a one-character change + incremental reparse (with tree-sitter's changed ranges,
    /// which the re-analysis reads).
    apply: f64,
    /// tree-sitter's incremental reparse alone, on the same edits.
    reparse_alone: f64,
    /// The analysis of the edited version.
    reanalysis: f64,
}

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

/// The starts of the top-level statements that follow a blank line (where someone starts typing
/// a new function).
fn top_level_sites(text: &str) -> Vec<usize> {
    (text.match_indices("\n\n"))
        .map(|(i, _)| i + 2)
        .filter(|&at| text[at..].starts_with(|c: char| c.is_ascii_alphabetic()))
        .collect()
}

/// The end of the name of each method of a top-level class: typing there renames the method,
/// which changes its class's names.
fn method_name_sites(text: &str) -> Vec<usize> {
    let mut sites = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("    def ") {
            let name = rest.find('(').unwrap_or(0);
            if name > 0 {
                sites.push(offset + "    def ".len() + name);
            }
        }
        offset += line.len();
    }
    sites
}

/// The end of the last line of each method followed by another (the end of a block, where most
/// code is written), when that line ends with a name or number: typing there edits the token
/// next to the block's closing NEWLINE and DEDENT.
fn block_end_sites(text: &str) -> Vec<usize> {
    let mut sites = Vec::new();
    let mut offset = 0;
    // The end of the last line with code, if it is a body line ending with a name or number.
    let mut last: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let code = line.trim_end();
        if line.starts_with("    def ") {
            sites.extend(last);
        }
        if !code.trim_start().is_empty() {
            let body = code.starts_with("        ") && !code.contains('#');
            let ends_with_name = code.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            last = (body && ends_with_name).then_some(offset + code.len());
        }
        offset += line.len();
    }
    sites
}

/// The first parameter of each `def` (inside a method's header, not its body): byte offset of its
/// second character.
fn header_edit_sites(text: &str) -> Vec<usize> {
    let mut sites = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(open) = trimmed.find('(').filter(|_| trimmed.starts_with("def ")) {
            let param: String = trimmed[open + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if param.len() >= 2 {
                sites.push(offset + indent + open + 2);
            }
        }
        offset += line.len();
    }
    sites
}

pub fn hints(client: &mut LspClient, uri: &str, first: u64, last: u64) -> Value {
    client.inlay_hints(
        uri,
        json!({"line": first, "character": 0}),
        json!({"line": last, "character": 0}),
    )
}

/// Pull reports that said nothing changed since the previous one, counted by [`edit_cycles`].
static UNCHANGED_REPORTS: AtomicUsize = AtomicUsize::new(0);

/// What an edit cycle asks for after the edit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ask {
    /// Inlay hints of the lines around the edit.
    VisibleHints,
    /// Inlay hints of the whole file.
    WholeHints,
    /// The file's diagnostics (`textDocument/diagnostic`).
    Diagnostics,
    /// The file's code lenses.
    CodeLenses,
    /// The file's semantic tokens (`semanticTokens/full`).
    SemanticTokens,
}

impl Ask {
    /// The request, and what its answer must hold.
    fn request(self, uri: &str) -> (&'static str, Value) {
        let document = json!({"textDocument": {"uri": uri}});
        match self {
            Ask::VisibleHints | Ask::WholeHints => unreachable!("hints take a range"),
            Ask::Diagnostics => ("textDocument/diagnostic", document),
            Ask::CodeLenses => ("textDocument/codeLens", document),
            Ask::SemanticTokens => ("textDocument/semanticTokens/full", document),
        }
    }
}

/// `cycles` (edit → `ask`) cycles (an even number leaves `text` as it was); returns the
/// latencies. Pull diagnostics name the previous report's result id, as VS Code does; the
/// unchanged reports are counted in `unchanged`.
pub fn edit_cycles(
    client: &mut LspClient,
    uri: &str,
    text: &mut String,
    version: &mut i32,
    ask: Ask,
    mut cached: Option<&mut Vec<Duration>>,
    cycles: usize,
) -> Vec<Duration> {
    let sites = body_edit_sites(text);
    assert!(!sites.is_empty(), "no edit sites");
    let mut samples = Vec::with_capacity(cycles);
    let mut previous_report = Value::Null;
    for i in 0..cycles {
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
            feature => {
                let (method, mut params) = feature.request(uri);
                if feature == Ask::Diagnostics && previous_report.is_string() {
                    params["previousResultId"] = previous_report.clone();
                }
                client.call(method, params)
            }
        };
        samples.push(began.elapsed());
        match ask {
            Ask::Diagnostics => {
                assert!(
                    result["kind"] == "full" || result["kind"] == "unchanged",
                    "diagnostics failed: {result}"
                );
                UNCHANGED_REPORTS.fetch_add(usize::from(result["kind"] == "unchanged"), Relaxed);
                previous_report = result["resultId"].clone();
            }
            Ask::SemanticTokens => assert!(result["data"].is_array(), "tokens failed: {result}"),
            _ => assert!(result.is_array(), "{ask:?} failed: {result}"),
        }
        // Every mode asks the same version again before the next edit (the server then has had
        // the same time for its background work in every mode, so the modes compare).
        let began = Instant::now();
        hints(client, uri, first, first + VISIBLE_LINES);
        if let Some(cached) = cached.as_mut() {
            cached.push(began.elapsed());
        }
        // Pushed diagnostics (the peers') are not read.
        client.notifications.clear();
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
/// incremental reparse), then the analysis of the new version (chunks reused). Prints the figures
/// and returns the two medians. Runs on a thread set up as the server's workers are (with the
/// analysis stack, so no analysis starts a thread of its own).
fn in_process_edits(text: &str) -> (f64, f64, f64) {
    use closure_lens::lsp::documents::{ANALYSIS_STACK, mark_big_stack};
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(ANALYSIS_STACK)
            .spawn_scoped(scope, || {
                mark_big_stack();
                print!("in-process per edit in a body: ");
                let sites = body_edit_sites(text);
                let body = edits_on_this_thread(text, &sites, CYCLES, "_");
                // What moves after an edit (the later scopes, occurrences and facts) is most
                // near the top of the file, least near its end.
                let tenth = sites.len().div_ceil(10);
                print!("  {PLACED_CYCLES} in a body in the file's first tenth: ");
                edits_on_this_thread(text, &sites[..tenth], PLACED_CYCLES, "_");
                print!("  {PLACED_CYCLES} in a body in its last tenth: ");
                edits_on_this_thread(text, &sites[sites.len() - tenth..], PLACED_CYCLES, "_");
                print!("  {HEADER_CYCLES} in a def's parameters instead: ");
                edits_on_this_thread(text, &header_edit_sites(text), HEADER_CYCLES, "_");
                // A star import binds globals no statement shows; bodies are re-analysed alone.
                let star = format!("from os.path import *\n{text}");
                print!("  {HEADER_CYCLES} in a body of the module with a star import added: ");
                edits_on_this_thread(&star, &body_edit_sites(&star), HEADER_CYCLES, "_");
                let top = top_level_sites(text);
                if !top.is_empty() {
                    // A syntax error at module level, as typing a new function makes one.
                    print!("  {HEADER_CYCLES} typing `def f():⏎` before a top-level statement: ");
                    edits_on_this_thread(text, &top, HEADER_CYCLES, "def f():\n");
                    // The same read under a rule every statement follows.
                    let future = format!("from __future__ import annotations\n{text}");
                    print!("    the same after `from __future__ import annotations`: ");
                    let top = top_level_sites(&future);
                    edits_on_this_thread(&future, &top, HEADER_CYCLES, "def f():\n");
                    // 3.14 (the default): module annotations in two statements share one scope.
                    let annotating = format!("limit: int = 3\nlevel: str = 'x'\n{text}");
                    print!("    the same with two module variables annotated: ");
                    let top = top_level_sites(&annotating);
                    edits_on_this_thread(&annotating, &top, HEADER_CYCLES, "def f():\n");
                }
                let ends = block_end_sites(text);
                if !ends.is_empty() {
                    print!("  {HEADER_CYCLES} typing at the end of a method's last line: ");
                    edits_on_this_thread(text, &ends, HEADER_CYCLES, "_");
                }
                let names = method_name_sites(text);
                if !names.is_empty() {
                    // At a class's own level: the class is analysed again, its other methods kept.
                    print!("  {HEADER_CYCLES} typing in a method's name: ");
                    edits_on_this_thread(text, &names, HEADER_CYCLES, "_");
                }
                body
            })
            .expect("a thread for the in-process edits")
            .join()
            .expect("the in-process edits ran")
    })
}

/// `cycles` edits at `sites` (inserting `typed`, then taking it out), each followed by the
/// re-analysis: the apply + reparse, re-analysis and tree-sitter reparse alone medians (the last
/// on a copy of the text and tree edited alike).
fn edits_on_this_thread(
    text: &str,
    sites: &[usize],
    cycles: usize,
    typed: &str,
) -> (f64, f64, f64) {
    use closure_lens::line_index::Encoding;
    use closure_lens::lsp::documents::Document;
    use ls_types::{Position, Range, TextDocumentContentChangeEvent};

    let uri = "file:///bench.py".parse().unwrap();
    let mut doc = Document::new(uri, 1, text.to_owned(), Default::default());
    doc.analysis();
    // As the server does in the background after the first analysis.
    doc.warm();
    let (mut apply, mut analyse, mut alone) = (Vec::new(), Vec::new(), Vec::new());
    let mut parser = closure_lens::syntax::python_parser();
    let mut raw = (doc.text.to_string(), doc.tree());
    for i in 0..cycles {
        let site = sites[(i / 2 * 37) % sites.len()];
        let pos = utf16_pos(&doc.text, site);
        let at = Position::new(
            pos["line"].as_u64().unwrap() as u32,
            pos["character"].as_u64().unwrap() as u32,
        );
        let end = if i % 2 == 0 {
            at
        } else {
            let end = utf16_pos(&doc.text, site + typed.len());
            Position::new(
                end["line"].as_u64().unwrap() as u32,
                end["character"].as_u64().unwrap() as u32,
            )
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, end)),
            range_length: None,
            text: if i % 2 == 0 {
                typed.into()
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
        alone.push(reparse_alone(
            &mut parser,
            &mut raw,
            site,
            typed,
            i % 2 == 0,
        ));
    }
    let (apply_median, analyse_median, alone_median) = (
        percentile(&mut apply, 0.5),
        percentile(&mut analyse, 0.5),
        percentile(&mut alone, 0.5),
    );
    println!(
        "apply + reparse median {:6.2} ms (p95 {:6.2}; tree-sitter's reparse alone {:.2}); re-analysis median {:6.2} ms (p95 {:6.2})",
        apply_median,
        percentile(&mut apply, 0.95),
        alone_median,
        analyse_median,
        percentile(&mut analyse, 0.95)
    );
    (apply_median, analyse_median, alone_median)
}

/// Inserts `typed` at `site` (or takes it out again) in `raw`'s text and reparses its tree
/// incrementally, timing the tree's edit and the parse only (no changed ranges, no line index).
fn reparse_alone(
    parser: &mut tree_sitter::Parser,
    raw: &mut (String, tree_sitter::Tree),
    site: usize,
    typed: &str,
    insert: bool,
) -> Duration {
    let (text, tree) = raw;
    let point = |text: &str, at: usize| {
        let before = &text[..at];
        let row = before.matches('\n').count();
        tree_sitter::Point::new(row, at - before.rfind('\n').map_or(0, |n| n + 1))
    };
    let old_end = if insert { site } else { site + typed.len() };
    let (start_position, old_end_position) = (point(text, site), point(text, old_end));
    text.replace_range(site..old_end, if insert { typed } else { "" });
    let new_end = if insert { site + typed.len() } else { site };
    let edit = tree_sitter::InputEdit {
        start_byte: site,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position,
        old_end_position,
        new_end_position: point(text, new_end),
    };
    let began = Instant::now();
    tree.edit(&edit);
    *tree = closure_lens::syntax::parse_with(parser, text, Some(tree));
    began.elapsed()
}

/// In-process figures for the pieces (same build): full parse and one analysis (medians of 10),
/// then the per-edit work.
fn in_process(text: &str) -> InProcess {
    let mut parse = Vec::new();
    let mut analyze = Vec::new();
    for _ in 0..10 {
        let began = Instant::now();
        let tree = closure_lens::syntax::parse(text);
        parse.push(began.elapsed());
        let began = Instant::now();
        let analysis = closure_lens::analysis::analyze(text, &tree, Default::default());
        analyze.push(began.elapsed());
        std::hint::black_box(analysis);
    }
    let (parse, analyze) = (percentile(&mut parse, 0.5), percentile(&mut analyze, 0.5));
    println!("in-process: full parse median {parse:7.2} ms; analyze median {analyze:7.2} ms");
    let (apply, reanalysis, reparse_alone) = in_process_edits(text);
    InProcess {
        parse,
        analyze,
        apply,
        reparse_alone,
        reanalysis,
    }
}

/// The stdio latencies over the in-process work they wait for.
fn print_ratios(pieces: &InProcess, ours: &mut Latencies) {
    let edit = percentile(&mut ours.edits, 0.5);
    let with_analysis = pieces.apply + pieces.reanalysis;
    println!(
        "edit -> hints / (apply + reparse):          {:6.2}x ({edit:.2} ms / {:.2} ms; target <= 1.5x; with the re-analysis: {:.2}x of {with_analysis:.2} ms)",
        edit / pieces.apply,
        pieces.apply,
        edit / with_analysis
    );
    // If the re-analysis and the hints cost nothing, an edit would still wait for the apply and
    // for one request over the pipe: the lowest ratio this design can reach.
    let cached = percentile(&mut ours.cached, 0.5);
    println!(
        "  its floor, apply + a cached request:       {:6.2}x (({:.2} + {cached:.2}) ms / {:.2} ms)",
        (pieces.apply + cached) / pieces.apply,
        pieces.apply,
        pieces.apply
    );
    println!(
        "edit -> hints / tree-sitter's reparse alone:  {:6.2}x ({edit:.2} ms / {:.2} ms; apply + reparse adds the line index and tree-sitter's changed ranges)",
        edit / pieces.reparse_alone,
        pieces.reparse_alone,
    );
    let open = ms(ours.open);
    let work = pieces.parse + pieces.analyze;
    println!(
        "didOpen -> first hints / (parse + analyze): {:6.2}x ({open:.2} ms / {work:.2} ms; target <= 1.2x)",
        open / work
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

/// closure-lens over stdio on `text` as `uri`: initialize, didOpen → first hints, then the edit
/// cycles (hints, then lenses, tokens and diagnostics). `thorough` adds the whole-file hints
/// cycles and checks that the edited document answers as a fresh open of the same text.
fn stdio_session(uri: &str, mut text: String, thorough: bool) -> Latencies {
    let mut client = LspClient::spawn();
    let began = Instant::now();
    // A client that pulls diagnostics, as VS Code does: the server then pushes none, and the
    // diagnostics cycles time the pulls alone.
    client.initialize(
        json!({
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"diagnostic": {"dynamicRegistration": false}}
        }),
        Value::Null,
    );
    println!(
        "initialize:                         {:8.2} ms",
        ms(began.elapsed())
    );

    let began = Instant::now();
    client.open(uri, &text);
    let first = hints(&mut client, uri, 0, VISIBLE_LINES);
    let open = began.elapsed();
    println!(
        "didOpen -> first inlay hints:       {:8.2} ms ({} hints in the first {VISIBLE_LINES} lines)",
        ms(open),
        first.as_array().map_or(0, Vec::len)
    );
    // An editor pulls the diagnostics of the file it opens, and its user may type at once:
    // these keystrokes come while the server still prepares the next ones' re-analysis.
    let (method, params) = Ask::Diagnostics.request(uri);
    client.call(method, params);
    let mut version = 1;
    let mut early = edit_cycles(
        &mut client,
        uri,
        &mut text,
        &mut version,
        Ask::VisibleHints,
        None,
        EARLY_CYCLES,
    );
    println!(
        "first {EARLY_CYCLES} edits -> hints after didOpen: median {:7.2} ms, max {:7.2} ms",
        percentile(&mut early, 0.5),
        percentile(&mut early, 1.0)
    );
    let all = hints(&mut client, uri, 0, 1_000_000);
    println!(
        "hints in the whole file:            {:8}",
        all.as_array().map_or(0, Vec::len)
    );

    let mut cached = Vec::new();
    let mut visible = edit_cycles(
        &mut client,
        uri,
        &mut text,
        &mut version,
        Ask::VisibleHints,
        Some(&mut cached),
        CYCLES,
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
    // What else an editor asks after each change, each after the same edits.
    for (ask, what) in [
        (Ask::CodeLenses, "code lenses"),
        (Ask::SemanticTokens, "semantic tokens, full"),
        (Ask::Diagnostics, "diagnostics (pull)"),
    ] {
        let mut samples = edit_cycles(
            &mut client,
            uri,
            &mut text,
            &mut version,
            ask,
            None,
            FEATURE_CYCLES,
        );
        let unchanged = UNCHANGED_REPORTS.swap(0, Relaxed);
        println!(
            "edit -> {what:<22} ({FEATURE_CYCLES}x): median {:7.2} ms, p95 {:7.2} ms{}",
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95),
            if ask == Ask::Diagnostics {
                format!(" ({unchanged} reports unchanged)")
            } else {
                String::new()
            }
        );
    }
    if thorough {
        let mut whole = edit_cycles(
            &mut client,
            uri,
            &mut text,
            &mut version,
            Ask::WholeHints,
            None,
            CYCLES,
        );
        println!(
            "edit -> hints, whole file ({CYCLES}x):    median {:7.2} ms, p95 {:7.2} ms",
            percentile(&mut whole, 0.5),
            percentile(&mut whole, 0.95)
        );
        // The edited document answers as a fresh open of the same text does.
        let fresh = format!("{uri}.fresh.py");
        client.open(&fresh, &text);
        let edited = hints(&mut client, uri, 0, 1_000_000).to_string();
        let expected = hints(&mut client, &fresh, 0, 1_000_000).to_string();
        assert_eq!(
            edited,
            expected.replace(&fresh, uri),
            "server text diverged"
        );
    }
    assert!(client.shutdown_and_exit().success());
    Latencies {
        open,
        edits: visible,
        cached,
    }
}

/// Memory: 20 of the largest stdlib files open (each analysed once through a hints request).
fn memory(stdlib: &Path) {
    let mut client = LspClient::spawn();
    client.initialize(json!({}), Value::Null);
    let files = largest_python_files(stdlib, 20);
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
}

/// One file benched for the side-by-side comparison.
struct Benched {
    /// The file's name in the peers' workspace.
    file: &'static str,
    text: String,
    /// closure-lens's figures (stdio, same edits).
    ours: Latencies,
    /// Edit cycles for the peers.
    peer_cycles: usize,
}

/// ty and pyrefly on the same files with the same client and edits, next to closure-lens.
fn side_by_side(files: &mut [Benched]) {
    println!();
    println!("Side by side (same client, same files, same edits; each peer in its own workspace):");
    if std::env::var("CLOSURE_LENS_BENCH_PEERS").is_ok_and(|v| v == "0") {
        println!("  skipped (CLOSURE_LENS_BENCH_PEERS=0)");
        return;
    }
    let peers = match peers::install() {
        Ok(peers) => peers,
        Err(why) => {
            println!("  no peers: {why}");
            return;
        }
    };
    let workspace = std::env::temp_dir().join(format!("closure-lens-bench-{}", std::process::id()));
    for benched in files {
        println!(
            "  {} ({} lines; closure-lens {CYCLES} edit cycles, peers {}):",
            benched.file,
            benched.text.lines().count(),
            benched.peer_cycles
        );
        println!(
            "    {:<16} {:>22}   edit -> hints, {VISIBLE_LINES}-line range",
            "", "didOpen -> first hints"
        );
        let row = |name: &str, figures: &mut Latencies| {
            println!(
                "    {name:<16} {:>19.2} ms   median {:9.2} ms, p95 {:9.2} ms",
                ms(figures.open),
                percentile(&mut figures.edits, 0.5),
                percentile(&mut figures.edits, 0.95)
            );
        };
        row("closure-lens", &mut benched.ours);
        // The fastest peer's (edit median, its name) and (didOpen, its name).
        let mut fastest_edit: Option<(f64, String)> = None;
        let mut fastest_open: Option<(f64, String)> = None;
        for peer in &peers {
            let folder = workspace
                .join(peer.name.replace(' ', "-"))
                .join(Path::new(benched.file).file_stem().unwrap_or_default());
            if let Err(e) = std::fs::create_dir_all(&folder) {
                println!("    {}: cannot make {}: {e}", peer.name, folder.display());
                continue;
            }
            match peers::latencies(
                peer,
                &folder,
                benched.file,
                &benched.text,
                benched.peer_cycles,
            ) {
                Ok(mut figures) => {
                    row(&peer.name, &mut figures);
                    let edit = percentile(&mut figures.edits, 0.5);
                    if fastest_edit.as_ref().is_none_or(|(best, _)| edit < *best) {
                        fastest_edit = Some((edit, peer.name.clone()));
                    }
                    let open = ms(figures.open);
                    if fastest_open.as_ref().is_none_or(|(best, _)| open < *best) {
                        fastest_open = Some((open, peer.name.clone()));
                    }
                }
                Err(why) => println!("    {why}"),
            }
        }
        if let (Some((edit, edit_peer)), Some((open, open_peer))) = (fastest_edit, fastest_open) {
            let ours_edit = percentile(&mut benched.ours.edits, 0.5);
            println!(
                "    closure-lens is {:.0}x faster than the fastest peer ({edit_peer}) on edit -> hints medians (target >= 100x); on didOpen -> first hints {:.0}x (vs {open_peer})",
                edit / ours_edit,
                open / ms(benched.ours.open)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&workspace);
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let stdlib = stdlib();
    let path = stdlib.join("test").join("test_typing.py");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let uri = file_uri(&path);
    println!(
        "closure-lens LSP benchmark on {} ({} KB)",
        path.display(),
        text.len() / 1024
    );
    let pieces = in_process(&text);
    let mut ours = stdio_session(&uri, text.clone(), true);
    print_ratios(&pieces, &mut ours);

    memory(&stdlib);

    // Responsiveness and memory with a huge document open.
    responsiveness(&text, 20, 5);
    // CLOSURE_LENS_BENCH_HUGE=0 skips the 50 MB document (a server without a memory bound may
    // need tens of gigabytes for it).
    if std::env::var("CLOSURE_LENS_BENCH_HUGE").map_or(true, |v| v != "0") {
        responsiveness(&text, 50, 0);
    }

    // One class of 50,000 lines: every edit is inside the same top-level statement.
    let big = synthetic_class(SYNTHETIC_LINES);
    println!();
    println!(
        "Synthetic module: one class, {} lines ({} KB), {} edit sites",
        big.lines().count(),
        big.len() / 1024,
        body_edit_sites(&big).len()
    );
    let big_pieces = in_process(&big);
    let mut big_ours = stdio_session("file:///bench/synthetic/big.py", big.clone(), false);
    print_ratios(&big_pieces, &mut big_ours);

    side_by_side(&mut [
        Benched {
            file: "test_typing.py",
            text,
            ours,
            peer_cycles: PEER_CYCLES[0],
        },
        Benched {
            file: "big.py",
            text: big,
            ours: big_ours,
            peer_cycles: PEER_CYCLES[1],
        },
    ]);
}
