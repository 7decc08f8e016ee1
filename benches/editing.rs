//! `cargo bench --bench editing`: semantic tokens, rename and references on the stdlib's
//! `test/test_typing.py` (about 300 KB), in process, as the server computes them for a request.
//! Figures, not assertions; the targets are full tokens ≤ 10 ms and the delta after a
//! one-character edit ≤ 3 ms.

mod common;

use std::time::{Duration, Instant};

use closure_lens::analysis::{OccurrenceKind, ScopeId, SymbolId};
use closure_lens::config::Settings;
use closure_lens::ide::{self, FileView};
use closure_lens::line_index::Encoding;
use closure_lens::lsp::context::Ctx;
use closure_lens::lsp::documents::Document;
use closure_lens::lsp::to_proto;
use common::{ms, percentile, stdlib};
use ls_types::{Position, Range, TextDocumentContentChangeEvent};

const RUNS: usize = 50;
const CYCLES: usize = 200;

/// Median and p95 of `runs` timings of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let began = Instant::now();
            f();
            began.elapsed()
        })
        .collect();
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
    )
}

fn view(doc: &Document) -> FileView<'_> {
    FileView {
        text: &doc.text,
        lines: &doc.line_index,
        analysis: doc.analysis(),
    }
}

/// Offsets of the second character of identifiers assigned at the start of an indented line.
fn edit_sites(text: &str) -> Vec<usize> {
    let mut sites = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let ident: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if indent >= 8
            && ident.len() >= 2
            && !ident.starts_with(|c: char| c.is_ascii_digit())
            && trimmed[ident.len()..].starts_with(" = ")
        {
            sites.push(offset + indent + 1);
        }
        offset += line.len();
    }
    sites
}

fn position(doc: &Document, offset: usize) -> Position {
    let lc = doc.line_index.line_col(offset, Encoding::Utf16);
    Position::new(lc.line, lc.col)
}

fn main() {
    let path = stdlib().join("test").join("test_typing.py");
    let text = std::fs::read_to_string(&path).expect("test_typing.py");
    println!(
        "{} ({} KB, {} lines)",
        path.display(),
        text.len() / 1024,
        text.lines().count()
    );
    let uri = "file:///test_typing.py".parse().unwrap();
    let mut doc = Document::new(uri, 1, text.clone(), Default::default());
    let began = Instant::now();
    doc.analysis();
    println!("first analysis (whole file): {:.1} ms", ms(began.elapsed()));

    // Semantic tokens, full and for a screenful, on an analysed version.
    let settings = Settings::default();
    let file = view(&doc);
    let tokens = ide::semantic_tokens::semantic_tokens(&file, None);
    let (ide_ms, ide_p95) = time(RUNS, || {
        ide::semantic_tokens::semantic_tokens(&file, None);
    });
    let (full_ms, full_p95) = time(RUNS, || {
        let tokens = ide::semantic_tokens::semantic_tokens(&file, None);
        to_proto::semantic_tokens(&Ctx::new(&doc, Encoding::Utf16, &settings), &tokens);
    });
    let middle = doc
        .line_index
        .line_start(doc.line_index.line_count() as u32 / 2);
    let screen = closure_lens::analysis::TextRange::new(
        middle,
        doc.line_index
            .line_start(doc.line_index.line_count() as u32 / 2 + 60),
    );
    let (range_ms, _) = time(RUNS, || {
        let tokens = ide::semantic_tokens::semantic_tokens(&file, Some(screen));
        to_proto::semantic_tokens(&Ctx::new(&doc, Encoding::Utf16, &settings), &tokens);
    });
    println!(
        "semantic tokens full: {} tokens of {} identifiers; median {full_ms:.2} ms (p95 {full_p95:.2}), of which the ide {ide_ms:.2} ms (p95 {ide_p95:.2}); range (60 lines) {range_ms:.3} ms",
        tokens.len(),
        file.analysis.occurrences.len(),
    );

    // One-character edits: apply + reparse, re-analysis, tokens + encoding + delta.
    let sites = edit_sites(&doc.text);
    let mut previous =
        to_proto::semantic_tokens(&Ctx::new(&doc, Encoding::Utf16, &settings), &tokens);
    let (mut edit, mut analyse, mut delta, mut whole) = (vec![], vec![], vec![], vec![]);
    let mut edit_sizes = Vec::new();
    for i in 0..CYCLES {
        let site = sites[(i / 2 * 37) % sites.len()];
        let at = position(&doc, site);
        let (end, new_text) = if i % 2 == 0 {
            (at, "_")
        } else {
            (Position::new(at.line, at.character + 1), "")
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, end)),
            range_length: None,
            text: new_text.into(),
        };
        let began = Instant::now();
        let mut next = doc.clone();
        next.apply_changes(i as i32 + 2, &[change], Encoding::Utf16);
        let applied = began.elapsed();
        next.analysis();
        let analysed = began.elapsed();
        let file = view(&next);
        let tokens = ide::semantic_tokens::semantic_tokens(&file, None);
        let current =
            to_proto::semantic_tokens(&Ctx::new(&next, Encoding::Utf16, &settings), &tokens);
        let edits = to_proto::semantic_tokens_delta(&previous, &current);
        let done = began.elapsed();
        edit.push(applied);
        analyse.push(analysed - applied);
        delta.push(done - analysed);
        whole.push(done);
        edit_sizes.push(edits.iter().map(|e| e.delete_count / 5).sum::<u32>());
        previous = current;
        doc = next;
    }
    edit_sizes.sort_unstable();
    println!(
        "after a one-character edit (median / p95 over {CYCLES}): tokens + delta {:.2} / {:.2} ms; apply + reparse {:.2} / {:.2} ms; re-analysis {:.2} / {:.2} ms; edit to delta {:.2} / {:.2} ms; tokens replaced (median) {}",
        percentile(&mut delta, 0.5),
        percentile(&mut delta, 0.95),
        percentile(&mut edit, 0.5),
        percentile(&mut edit, 0.95),
        percentile(&mut analyse, 0.5),
        percentile(&mut analyse, 0.95),
        percentile(&mut whole, 0.5),
        percentile(&mut whole, 0.95),
        edit_sizes[edit_sizes.len() / 2]
    );

    // Rename and references: the module variable with the most occurrences, the parameter with
    // the most, and a local of the largest function.
    let file = view(&doc);
    let tree = doc.tree();
    let analysis = file.analysis;
    let (parse_ms, _) = time(10, || {
        closure_lens::syntax::parse(&doc.text);
    });
    let mut counts: std::collections::HashMap<SymbolId, (usize, usize)> = Default::default();
    for o in &analysis.occurrences {
        let entry = counts.entry(o.symbol).or_insert((0, o.range.start));
        entry.0 += 1;
    }
    let bound = |v: &SymbolId| analysis.bindings_of(*v).next().is_some();
    let busiest = |keep: &dyn Fn(&SymbolId) -> bool| {
        counts
            .iter()
            .filter(|(v, _)| bound(v) && keep(v))
            .max_by_key(|(v, (n, _))| (*n, std::cmp::Reverse(**v)))
            .map(|(v, (n, at))| (*v, *n, *at))
    };
    let targets = [
        ("module variable", busiest(&|v| v.scope == ScopeId::MODULE)),
        (
            "parameter",
            busiest(&|v| {
                analysis
                    .occurrences_of(*v)
                    .any(|o| o.kind == OccurrenceKind::Param)
                    && &*analysis.symbol(*v).name != "self"
            }),
        ),
        (
            "function local",
            busiest(&|v| {
                v.scope != ScopeId::MODULE
                    && analysis.scope(v.scope).kind.is_user_function()
                    && !analysis
                        .occurrences_of(*v)
                        .any(|o| o.kind == OccurrenceKind::Param)
            }),
        ),
    ];
    println!("parse from scratch (a cold document's rename): {parse_ms:.1} ms");
    for (label, target) in targets {
        let Some((_, count, at)) = target else {
            continue;
        };
        let name = analysis
            .occurrence_at(at)
            .map_or("?", |o| file.text(o.range));
        let outcome = match ide::rename::rename(&file, &tree, at, &format!("{name}_renamed")) {
            Ok(r) => format!("{} edits, {} warnings", r.edits.len(), r.warnings.len()),
            Err(e) => format!("refused: {}", e.reason.as_str()),
        };
        let (rename_ms, rename_p95) = time(20, || {
            let _ = ide::rename::prepare_rename(&file, &tree, at);
            let _ = ide::rename::rename(&file, &tree, at, &format!("{name}_renamed"));
        });
        let (refs_ms, _) = time(20, || {
            ide::references::references(&file, at, true);
        });
        println!(
            "{label} `{name}` ({count} occurrences): prepare + rename {rename_ms:.2} ms (p95 {rename_p95:.2}) [{outcome}]; references {refs_ms:.3} ms"
        );
    }
}
