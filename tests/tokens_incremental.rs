//! The semantic tokens of an edited document equal those found whole on a fresh analysis of its
//! text after every edit, whether they followed from the previous version's (after a body
//! splice: the re-analysed text's found again, the rest moved or typed again) or were found
//! whole.
//!
//! As an editor drives the server: typing inside function and class bodies and headers
//! (`BodyEdits`), now and then a hostile edit anywhere (`random_edit`); most versions analysed
//! at once (which brings the tokens along), some left for the next (so that a splice covers
//! several edits); the tokens asked for after most analysed versions. An edit that leaves a
//! syntax error is taken back by the next one. Inputs: stdlib modules (with many `nonlocal` and
//! `global` declarations) and a module of one class, on Python 3.11 and 3.14. Most tokens must
//! follow from the previous version's, or the test proves nothing.
//! `CLOSURE_LENS_TYPING_DIR=DIR` edits DIR's `.py` files too, as one module.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::analysis::{self, PythonVersion};
use closure_lens::ide::{FileView, semantic_tokens};
use closure_lens::line_index::{Encoding, LineIndex};
use closure_lens::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document, Stats};
use closure_lens::syntax;
use common::edits::{Rng, from_env, programs_from_env, random_edit, stdlib, utf8_change};
use common::synthetic::synthetic_class;
use ls_types::Uri;

/// Statements that give a name captured from an enclosing function or declared `global` the type
/// of a def or class (or declare it so), typed at the start of a body line.
const RETYPING: [&str; 6] = [
    "def count(): pass",
    "class g: pass",
    "nonlocal count",
    "global g",
    "def total(): pass",
    "nonlocal total",
];

/// An edit typing one of [`RETYPING`] at the start of a line of some function's or class's body
/// (after its indentation, the next line indented the same).
fn retyping_edit(
    rng: &mut Rng,
    text: &str,
    analysis: &analysis::Analysis,
) -> Option<(usize, usize, String)> {
    let bodies: Vec<(usize, usize)> = analysis
        .scopes
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                analysis::ScopeKind::Function | analysis::ScopeKind::Class
            )
        })
        .map(|s| (s.header_end, s.range.end))
        .collect();
    let (start, end) = bodies[rng.below(bodies.len())];
    let lines: Vec<usize> = (start.max(1)..end)
        .filter(|&i| text.as_bytes()[i - 1] == b'\n')
        .collect();
    let line = *lines.get(rng.below(lines.len()))?;
    let indent = text[line..].len() - text[line..].trim_start_matches(' ').len();
    let statement = RETYPING[rng.below(RETYPING.len())];
    let at = line + indent;
    Some((at, at, format!("{statement}\n{}", " ".repeat(indent))))
}

/// The tokens of `text` found whole on a fresh parse and analysis.
fn fresh_tokens(text: &str, version: PythonVersion) -> Vec<semantic_tokens::SemanticToken> {
    let tree = syntax::parse(text);
    let analysis = analysis::analyze(text, &tree, version);
    let lines = LineIndex::new(text);
    let file = FileView {
        text,
        lines: &lines,
        analysis: &analysis,
    };
    semantic_tokens::semantic_tokens(&file, None)
}

/// Edits `text` `steps` times; returns how many versions' tokens were compared, and how many of
/// those were found whole.
fn session(
    name: &str,
    text: String,
    version: PythonVersion,
    steps: usize,
    seed: u64,
) -> (u64, u64) {
    let stats = Arc::new(Stats::default());
    let uri: Uri = "file:///tokens.py".parse().unwrap();
    let mut doc = Document::new(uri, 1, text, version)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    doc.semantic_tokens();
    let mut rng = Rng(seed);
    let mut body_edits = BodyEdits::new(seed);
    let (mut compared, mut whole) = (0, 0);
    // The edit that takes back one that broke the syntax.
    let mut undo = None;
    for step in 0..steps {
        let edit = match rng.below(16) {
            _ if undo.is_some() => undo.take(),
            0 => Some(random_edit(&mut rng, &doc.text)),
            1..4 => retyping_edit(&mut rng, &doc.text, &Arc::clone(doc.analysis())),
            _ => {
                let analysis = Arc::clone(doc.analysis());
                body_edits.next(&doc.text, &analysis)
            }
        };
        let (start, end, insert) = edit.unwrap_or_else(|| random_edit(&mut rng, &doc.text));
        let removed = doc.text[start..end].to_owned();
        let change = utf8_change(&doc.text, start, end, &insert);
        doc.apply_changes(step as i32 + 2, &[change], Encoding::Utf8);
        if syntax::parse(&doc.text).root_node().has_error() {
            undo = Some((start, start + insert.len(), removed.clone()));
        }
        // Left for the next edit: that version's analysis is spliced over both.
        if rng.below(5) == 0 {
            continue;
        }
        doc.analysis();
        if rng.below(6) == 0 {
            continue;
        }
        let what =
            format!("{name} {version} step {step}: {insert:?} replacing {removed:?} at {start}");
        let found = stats.whole_tokens.load(Ordering::Relaxed);
        let tokens = doc.semantic_tokens();
        let fresh = fresh_tokens(&doc.text, version);
        if *tokens != fresh {
            let at = tokens
                .iter()
                .zip(&fresh)
                .take_while(|(a, b)| a == b)
                .count();
            let near = |t: &[semantic_tokens::SemanticToken]| {
                t[at..].iter().take(3).copied().collect::<Vec<_>>()
            };
            panic!(
                "{what}: {} tokens, {} found whole; from token {at}:\n{:?}\n{:?}",
                tokens.len(),
                fresh.len(),
                near(&tokens),
                near(&fresh)
            );
        }
        compared += 1;
        whole += stats.whole_tokens.load(Ordering::Relaxed) - found;
    }
    (compared, whole)
}

#[test]
fn edited_tokens_equal_fresh_ones() {
    // CLOSURE_LENS_TOKEN_EDITS=N runs N edits per input and version (default 100).
    let steps = from_env("CLOSURE_LENS_TOKEN_EDITS", 100);
    let lib = stdlib();
    let mut inputs: Vec<(String, String)> =
        ["test/test_scope.py", "functools.py", "dataclasses.py"]
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(lib.join(f)).expect("a stdlib module");
                (f.to_string(), text)
            })
            .collect();
    // One module read under `from __future__ import annotations` (chunked under that rule).
    inputs[2]
        .1
        .insert_str(0, "from __future__ import annotations\n");
    inputs.push(("synthetic class".into(), synthetic_class(3_000)));
    inputs.extend(programs_from_env());
    let (mut all_compared, mut all_whole) = (0, 0);
    for (seed, (name, text)) in inputs.into_iter().enumerate() {
        for version in [PythonVersion::Py311, PythonVersion::Py314] {
            let (compared, whole) = session(&name, text.clone(), version, steps, seed as u64 + 3);
            eprintln!(
                "{name} {version}: {compared} versions' tokens compared, {whole} found whole"
            );
            all_compared += compared;
            all_whole += whole;
        }
    }
    assert!(
        all_whole * 2 < all_compared,
        "{all_whole} of {all_compared} versions' tokens found whole"
    );
}

/// Edits the splice takes that change tokens outside the re-analysed text, or next to it: each
/// version's tokens follow from the previous version's and equal fresh ones. (text, what to type
/// after the first `anchor`, the anchor.)
const ANCHORED: [(&str, &str, &str); 4] = [
    // A space before a default reading a class variable: the def is re-analysed (3.11), its
    // class part is kept, next to the edit.
    (
        "class C:\n    size = 1\n    def m(self, k=size):\n        return k\n",
        "k=",
        " ",
    ),
    // A nested def rebinding a captured variable types it `function` in the enclosing function.
    (
        "def outer():\n    handler = None\n    def install():\n        nonlocal handler\n        pass\n    return handler, lambda: handler\n",
        "        nonlocal handler\n",
        "        def handler(): pass\n",
    ),
    // A class bound by a function declaring it `global` types it `class` in another function.
    (
        "def setup():\n    global hook\n    pass\n\ndef use():\n    global hook\n    return hook\n",
        "    global hook\n",
        "    class hook: pass\n",
    ),
    // The same, taken back.
    (
        "def setup():\n    global hook\n    class hook: pass\n\ndef use():\n    global hook\n    return hook\n",
        "    class hook",
        "_",
    ),
];

#[test]
fn anchored_edits_retype_what_they_should() {
    for (text, anchor, typed) in ANCHORED {
        for version in [PythonVersion::Py311, PythonVersion::Py314] {
            let stats = Arc::new(Stats::default());
            let uri: Uri = "file:///anchored.py".parse().unwrap();
            let mut doc = Document::new(uri, 1, text.into(), version)
                .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
            doc.analysis();
            let before = doc.semantic_tokens();
            let at = text.find(anchor).unwrap() + anchor.len();
            let change = utf8_change(&doc.text, at, at, typed);
            doc.apply_changes(2, &[change], Encoding::Utf8);
            let tokens = doc.semantic_tokens();
            let what = format!("{version} {typed:?} after {anchor:?}");
            assert_eq!(*tokens, fresh_tokens(&doc.text, version), "{what}");
            // The first edit is the only one that keeps every token (moved).
            assert_eq!(anchor == "k=", before.len() == tokens.len(), "{what}");
            if version == PythonVersion::Py311 {
                assert_eq!(doc.body_splices(), 1, "{what}");
                assert_eq!(stats.whole_tokens.load(Ordering::Relaxed), 1, "{what}");
            }
        }
    }
}
