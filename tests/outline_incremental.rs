//! The outline of an edited document (what the decorator lenses, hovers and definitions read)
//! equals a fresh `Outline::new` of its text after every edit, whether it was made from an
//! earlier version's outline (only the statements the edit touched walked again, the rest
//! shifted) or built whole.
//!
//! As an editor drives the server: typing inside function and class bodies (`BodyEdits`, each
//! version analysed first, which brings the outline along) and hostile edits anywhere
//! (`random_edit`, applied without analysing, so that the next outline comes from a version
//! further back); the outline is asked for after about half the edits. An edit that leaves a
//! syntax error is taken back by the next one. Inputs: stdlib modules and a module of one class
//! (every edit inside its one top-level statement). Most outlines must come from an earlier
//! version's, or the test proves nothing.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use closure_lens::analysis::PythonVersion;
use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::ide::decorators::Outline;
use closure_lens::line_index::Encoding;
use closure_lens::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document, Stats};
use closure_lens::syntax;
use common::edits::{Rng, from_env, random_edit, stdlib, utf8_change};
use common::synthetic::synthetic_class;
use ls_types::Uri;

/// Edits `text` `steps` times; returns how many outlines of trees without error were compared,
/// and how many of those were built whole.
fn session(name: &str, text: String, steps: usize, seed: u64) -> (u64, u64) {
    let stats = Arc::new(Stats::default());
    let uri: Uri = "file:///outline.py".parse().unwrap();
    assert!(!syntax::parse(&text).root_node().has_error(), "{name}");
    let mut doc = Document::new(uri, 1, text, PythonVersion::Py314)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    doc.analysis();
    doc.outline();
    let mut rng = Rng(seed);
    let mut body_edits = BodyEdits::new(seed);
    let (mut compared, mut whole) = (0, 0);
    // The edit that takes back one that broke the syntax.
    let mut undo = None;
    for step in 0..steps {
        let edit = match rng.below(4) {
            _ if undo.is_some() => undo.take(),
            0 => Some(random_edit(&mut rng, &doc.text)),
            _ => {
                let analysis = Arc::clone(doc.analysis());
                body_edits.next(&doc.text, &analysis)
            }
        };
        let (start, end, insert) = edit.unwrap_or_else(|| random_edit(&mut rng, &doc.text));
        let removed = doc.text[start..end].to_owned();
        let change = utf8_change(&doc.text, start, end, &insert);
        doc.apply_changes(step as i32 + 2, &[change], Encoding::Utf8);
        // A fresh parse, not the document's tree, which is parsed only when the server would.
        let fresh = syntax::parse(&doc.text);
        if fresh.root_node().has_error() {
            undo = Some((start, start + insert.len(), removed.clone()));
        }
        if rng.below(2) == 0 {
            continue;
        }
        let what = format!("{name} step {step}: {insert:?} replacing {removed:?} at {start}");
        let built = stats.whole_outlines.load(Ordering::Relaxed);
        let outline = doc.outline();
        let tree = doc.tree();
        assert_eq!(*outline, Outline::new(&doc.text, &tree), "{what}");
        if !fresh.root_node().has_error() {
            assert_eq!(
                *outline,
                Outline::new(&doc.text, &fresh),
                "{what} (fresh parse)"
            );
        }
        // Outlines of trees with errors are built whole.
        if !tree.root_node().has_error() {
            compared += 1;
            whole += stats.whole_outlines.load(Ordering::Relaxed) - built;
        }
    }
    (compared, whole)
}

#[test]
fn edited_outlines_equal_fresh_ones() {
    // CLOSURE_LENS_OUTLINE_EDITS=N runs N edits per input (default 150).
    let steps = from_env("CLOSURE_LENS_OUTLINE_EDITS", 150);
    let lib = stdlib();
    let mut inputs: Vec<(String, String)> = ["functools.py", "dataclasses.py", "argparse.py"]
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(lib.join(f)).expect("a stdlib module");
            (f.to_string(), text)
        })
        .collect();
    // One module with a star import, which binds globals no statement shows.
    inputs[1].1.insert_str(0, "from os.path import *\n");
    inputs.push(("synthetic class".into(), synthetic_class(3_000)));
    for (seed, (name, text)) in inputs.into_iter().enumerate() {
        let (compared, whole) = session(&name, text, steps, seed as u64 + 11);
        eprintln!(
            "{name}: {compared} outlines without error compared, {whole} of them built whole"
        );
        assert!(
            whole * 2 < compared,
            "{name}: {whole} of {compared} outlines built whole"
        );
    }
}
