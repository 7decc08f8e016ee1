//! Kept diagnostics == whole diagnostics, always: along random edits inside function bodies and
//! headers (each analysed at once, as an editor asking for diagnostics after every keystroke
//! makes the server do), the diagnostics a document keeps from one version to the next
//! (`Findings::advance`) equal those of a fresh open of the same text, on stdlib files, a module
//! dense in closure bugs and the synthetic one-class module, on Python 3.11 and 3.14. Most steps
//! must take the incremental path, so that the test cannot pass by finding everything again.
//!
//! `CLOSURE_LENS_DIAGNOSTIC_EDITS=N` makes N edits per file and version (default 40).

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use closure_lens::analysis::PythonVersion;
use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::config::Settings;
use closure_lens::line_index::Encoding;
use closure_lens::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document, Stats};
use common::edits::stdlib;
use common::synthetic::synthetic_class;
use ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

fn steps() -> usize {
    std::env::var("CLOSURE_LENS_DIAGNOSTIC_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40)
}

fn position(doc: &Document, offset: usize) -> Position {
    let at = doc.line_index.line_col(offset, Encoding::Utf8);
    Position::new(at.line, at.col)
}

/// Edits `base` `steps` times under `version`, comparing the diagnostics after each edit with
/// a fresh open's. Returns (edits whose findings followed from the previous version's, edits).
fn session(base: &str, version: PythonVersion, seed: u64, steps: usize) -> (usize, usize) {
    let uri: Uri = "file:///kept.py".parse().unwrap();
    let stats = Arc::new(Stats::default());
    let mut doc = Document::new(uri.clone(), 1, base.to_owned(), version)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    let settings = Settings::default();
    doc.diagnostics(&settings);
    let mut edits = BodyEdits::new(seed);
    let (mut kept, mut made) = (0, 0);
    for step in 0..steps {
        let analysis = Arc::clone(doc.analysis());
        let Some((start, end, insert)) = edits.next(&doc.text, &analysis) else {
            break;
        };
        drop(analysis);
        let removed = doc.text[start..end].to_owned();
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(position(&doc, start), position(&doc, end))),
            range_length: None,
            text: insert.clone(),
        };
        doc.apply_changes(step as i32 + 2, &[change], Encoding::Utf8);
        if doc.tree().root_node().has_error() {
            edits.take_back(start, insert.len(), removed);
        }
        let wholes = stats.whole_findings.load(Ordering::Relaxed);
        let got = doc.diagnostics(&settings);
        made += 1;
        if stats.whole_findings.load(Ordering::Relaxed) == wholes {
            kept += 1;
        }
        let fresh = Document::new(uri.clone(), 0, doc.text.clone(), version).diagnostics(&settings);
        if got != fresh {
            let missing: Vec<_> = fresh.iter().filter(|d| !got.contains(d)).collect();
            let extra: Vec<_> = got.iter().filter(|d| !fresh.contains(d)).collect();
            panic!(
                "{version:?}, seed {seed}, step {step}: {insert:?} at {start}..{end}: kept != \
                 whole\nmissing: {missing:#?}\nextra: {extra:#?}\n(same but in another order: {})",
                missing.is_empty() && extra.is_empty()
            );
        }
    }
    (kept, made)
}

/// Every file on both versions: most edits keep the findings.
fn check(files: &[(&str, String)]) {
    let steps = steps();
    let (mut kept, mut made) = (0, 0);
    for (i, (name, text)) in files.iter().enumerate() {
        for (j, version) in [PythonVersion::Py311, PythonVersion::Py314]
            .into_iter()
            .enumerate()
        {
            let (k, m) = session(text, version, 3 + (i * 2 + j) as u64, steps);
            eprintln!("{name} {version:?}: {k} of {m} edits kept the findings");
            kept += k;
            made += m;
        }
    }
    assert!(
        kept * 2 > made,
        "only {kept} of {made} edits kept the findings"
    );
}

#[test]
fn kept_diagnostics_equal_whole_ones_on_stdlib_files() {
    let stdlib = stdlib();
    let files: Vec<(&str, String)> = [
        "functools.py",
        "dataclasses.py",
        "asyncio/tasks.py",
        "test/test_scope.py",
    ]
    .into_iter()
    .filter_map(|name| Some((name, std::fs::read_to_string(stdlib.join(name)).ok()?)))
    .collect();
    assert!(!files.is_empty(), "no stdlib file under {stdlib:?}");
    check(&files);
}

#[test]
fn kept_diagnostics_equal_whole_ones_where_closure_bugs_are_dense() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/closure_bugs/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    cases.sort();
    // Every case, one after another, as one module.
    let bugs: String = cases
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap() + "\n\n")
        .collect();
    check(&[
        ("closure bugs", bugs),
        ("synthetic", synthetic_class(1_500)),
    ]);
}

/// Types `insert` just before the first `anchor` of `text` (in one function's body) and checks
/// that the diagnostics follow from the previous version's, differ from them, and equal a fresh
/// open's.
fn typed_in_one_body(text: &str, anchor: &str, insert: &str) {
    let uri: Uri = "file:///kept.py".parse().unwrap();
    let stats = Arc::new(Stats::default());
    let mut doc = Document::new(uri.clone(), 1, text.to_owned(), PythonVersion::Py314)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    let settings = Settings::default();
    let before = doc.diagnostics(&settings);
    let at = text.find(anchor).unwrap();
    let change = TextDocumentContentChangeEvent {
        range: Some(Range::new(position(&doc, at), position(&doc, at))),
        range_length: None,
        text: insert.into(),
    };
    doc.apply_changes(2, &[change], Encoding::Utf8);
    let got = doc.diagnostics(&settings);
    assert_eq!(doc.body_splices(), 1);
    assert_eq!(stats.whole_findings.load(Ordering::Relaxed), 1);
    let fresh =
        Document::new(uri, 0, doc.text.clone(), PythonVersion::Py314).diagnostics(&settings);
    assert_ne!(before.to_vec(), fresh.to_vec());
    assert_eq!(got.to_vec(), fresh.to_vec());
}

/// A finding outside the edited body can read what the body binds: here `reader`'s
/// unbound-local diagnostic points at the first binding of `outer`'s `count`, which the edit
/// types into `first` (already `nonlocal count`, so only `first`'s body is analysed again).
#[test]
fn a_binding_typed_in_another_body_changes_a_kept_finding() {
    typed_in_one_body(
        "def outer():\n    def first():\n        nonlocal count\n        print(count)\n    count = 0\n    def reader():\n        print(count)\n        count = 1\n    return first, reader\n",
        "print(count)",
        "count = 5\n        ",
    );
}

/// A loop closure outside the edited body is judged by what the body does with it: `keep`
/// starts keeping the functions it is given, so `g` outlives its iteration.
#[test]
fn a_callee_that_starts_keeping_closures_changes_a_kept_finding() {
    typed_in_one_body(
        "kept = []\n\n\ndef keep(f):\n    pass\n\n\nfor i in range(3):\n    def g():\n        return i\n    keep(g)\n",
        "pass",
        "kept.append(f)\n    ",
    );
}
