//! The capture lenses of an edited document equal `code_lenses` on a fresh whole analysis of its
//! text after every edit, whether they were moved from the version before (a body splice: only
//! the lenses it may change found again) or found whole.
//!
//! As an editor drives the server: typing inside function and class bodies and headers
//! (`BodyEdits`), now and then a hostile edit anywhere (`random_edit`, which the analysis
//! cannot splice); an edit that leaves a syntax error is taken back by the next one. The lenses
//! are asked for after every edit, under `pass_through` off and then on (they are found whole
//! when the setting changes). Inputs: stdlib modules and a module of one class, on Python 3.11
//! and 3.14. Most lenses must be moved, not found whole, or the test proves nothing.
//! `CLOSURE_LENS_TYPING_DIR=DIR` edits DIR's `.py` files too, as one module.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::analysis::{self, PythonVersion};
use closure_lens::config::Settings;
use closure_lens::ide::FileView;
use closure_lens::ide::code_lens::{CodeLens, code_lenses};
use closure_lens::line_index::{Encoding, LineIndex};
use closure_lens::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document, Stats};
use closure_lens::syntax;
use common::edits::{Rng, from_env, programs_from_env, random_edit, stdlib, utf8_change};
use common::synthetic::synthetic_class;
use ls_types::Uri;

/// The lenses of `text` found on a fresh whole analysis.
fn fresh_lenses(text: &str, version: PythonVersion, settings: &Settings) -> Vec<CodeLens> {
    let tree = syntax::parse(text);
    let analysis = analysis::analyze(text, &tree, version);
    let lines = LineIndex::new(text);
    let file = FileView {
        text,
        lines: &lines,
        analysis: &analysis,
    };
    code_lenses(&file, settings)
}

/// What one session saw: edits made, versions analysed by a body splice, lenses found whole.
#[derive(Default)]
struct Seen {
    edits: u64,
    splices: u64,
    whole: u64,
    broken: u64,
}

/// Edits `text` `steps` times, comparing the document's lenses with fresh ones after each edit.
fn session(name: &str, text: String, version: PythonVersion, steps: usize, seed: u64) -> Seen {
    let stats = Arc::new(Stats::default());
    let uri: Uri = "file:///lenses.py".parse().unwrap();
    assert!(!syntax::parse(&text).root_node().has_error(), "{name}");
    let mut doc = Document::new(uri, 1, text, version)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    let mut settings = Settings::default();
    doc.code_lenses(&settings);
    let mut rng = Rng(seed);
    let mut body_edits = BodyEdits::new(seed);
    let mut seen = Seen::default();
    // The edit that takes back one that broke the syntax.
    let mut undo = None;
    for step in 0..steps {
        if step == steps / 2 {
            settings.pass_through = true;
        }
        let edit = match rng.below(16) {
            _ if undo.is_some() => undo.take(),
            0 => None,
            _ => {
                let analysis = Arc::clone(doc.analysis());
                body_edits.next(&doc.text, &analysis)
            }
        };
        let (start, end, insert) = edit.unwrap_or_else(|| random_edit(&mut rng, &doc.text));
        let removed = doc.text[start..end].to_owned();
        let change = utf8_change(&doc.text, start, end, &insert);
        doc.apply_changes(step as i32 + 2, &[change], Encoding::Utf8);
        let broken = syntax::parse(&doc.text).root_node().has_error();
        if broken {
            undo = Some((start, start + insert.len(), removed.clone()));
        }
        seen.broken += broken as u64;
        let (splices, whole) = (
            doc.body_splices(),
            stats.whole_lenses.load(Ordering::Relaxed),
        );
        let lenses: Vec<CodeLens> = doc.code_lenses(&settings).iter().cloned().collect();
        let what = format!(
            "{name} on {version}, step {step}: {insert:?} replacing {removed:?} at {start}"
        );
        assert_eq!(
            lenses,
            fresh_lenses(&doc.text, version, &settings),
            "{what}"
        );
        seen.edits += 1;
        seen.splices += doc.body_splices() - splices;
        seen.whole += stats.whole_lenses.load(Ordering::Relaxed) - whole;
    }
    seen
}

#[test]
fn edited_lenses_equal_fresh_ones() {
    // CLOSURE_LENS_LENS_EDITS=N runs N edits per input and Python version (default 120).
    let steps = from_env("CLOSURE_LENS_LENS_EDITS", 120);
    let lib = stdlib();
    let mut inputs: Vec<(String, String)> = [
        "functools.py",
        "dataclasses.py",
        "asyncio/tasks.py",
        "test/test_scope.py",
    ]
    .iter()
    .map(|f| {
        let text = std::fs::read_to_string(lib.join(f)).expect("a stdlib module");
        (f.to_string(), text)
    })
    .collect();
    // One module read under `from __future__ import annotations` (chunked under that rule).
    inputs[1]
        .1
        .insert_str(0, "from __future__ import annotations\n");
    // And one with a star import, which binds globals no statement shows.
    inputs[2].1.insert_str(0, "from os.path import *\n");
    inputs.push(("synthetic class".into(), synthetic_class(3_000)));
    inputs.extend(programs_from_env());
    let mut total = Seen::default();
    for (seed, (name, text)) in inputs.into_iter().enumerate() {
        for (i, version) in [PythonVersion::Py311, PythonVersion::Py314]
            .into_iter()
            .enumerate()
        {
            let seed = 17 + 2 * seed as u64 + i as u64;
            let seen = session(&name, text.clone(), version, steps, seed);
            eprintln!(
                "{name} on {version}: {} edits, {} broken, {} spliced, lenses found whole {} times",
                seen.edits, seen.broken, seen.splices, seen.whole
            );
            // Found whole: after each edit not spliced, and when the setting changed.
            assert!(
                seen.whole <= seen.edits - seen.splices + 1,
                "{name} on {version}: lenses found whole after a splice"
            );
            total.edits += seen.edits;
            total.splices += seen.splices;
            total.whole += seen.whole;
        }
    }
    assert!(
        total.whole * 2 < total.edits,
        "lenses found whole {} times in {} edits",
        total.whole,
        total.edits
    );
}

/// Edits whose lens changes lie outside the re-analysed function: a sibling's `nonlocal` write,
/// a captured variable's first binding, moved within the edited text (where moving the old
/// position with the edit is wrong), and a new closure in a capture list of the enclosing
/// function's cell. Each is spliced, and its lenses moved, not found whole.
#[test]
fn lenses_outside_the_spliced_function_follow_it() {
    let text = "\
def outer():
    def setter():
        nonlocal x
        x = 1
    def reader():
        return x
    x = 0
    return setter, reader


class C:
    def m(self):
        return [lambda: self for _ in ()]
";
    // (text replaced, its replacement), inside `setter`'s body; each replaces the first occurrence.
    let steps = [
        // The first binding of `x` moves within the replaced text: `reader`'s lens points at it.
        ("x = 1", "for x in (): pass"),
        // And back.
        ("for x in (): pass", "x = 2"),
        // A new closure capturing `x`: `outer`'s lens lists it.
        ("x = 2", "x = 2\n        f = lambda: x"),
        // A scope fewer before the class: the lenses after it move to other ids.
        ("\n        f = lambda: x", ""),
    ];
    for version in [PythonVersion::Py311, PythonVersion::Py314] {
        let stats = Arc::new(Stats::default());
        let uri: Uri = "file:///lenses.py".parse().unwrap();
        let mut doc = Document::new(uri, 1, text.into(), version)
            .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
        let settings = Settings::default();
        doc.analysis();
        doc.code_lenses(&settings);
        for (i, (old, new)) in steps.into_iter().enumerate() {
            let start = doc.text.find(old).expect("the text to replace");
            let change = utf8_change(&doc.text, start, start + old.len(), new);
            doc.apply_changes(i as i32 + 2, &[change], Encoding::Utf8);
            let whole = stats.whole_lenses.load(Ordering::Relaxed);
            let lenses: Vec<CodeLens> = doc.code_lenses(&settings).iter().cloned().collect();
            assert_eq!(
                lenses,
                fresh_lenses(&doc.text, version, &settings),
                "{version}: {new:?}"
            );
            assert_eq!(doc.body_splices(), i as u64 + 1, "{version}: {new:?}");
            assert_eq!(
                stats.whole_lenses.load(Ordering::Relaxed),
                whole,
                "{version}: {new:?}"
            );
        }
    }
}
