//! Kept diagnostics == whole diagnostics, always: along random edits inside function bodies and
//! headers (each analysed at once, as an editor asking for diagnostics after every keystroke
//! makes the server do), the diagnostics a document keeps from one version to the next
//! (`Findings::advance`) equal those of a fresh open of the same text, on stdlib files, a module
//! dense in closure bugs and the synthetic one-class module, on Python 3.11 and 3.14. Most steps
//! must take the incremental path, so that the test cannot pass by finding everything again.
//!
//! Besides the generic body edits, edits that reach other bodies (`reaching_edit`): checked to
//! fail when the kept findings ignore the names a splice touches or the scopes whose facts it
//! found again.
//!
//! `CLOSURE_LENS_DIAGNOSTIC_EDITS=N` makes N edits per file, version and asking rate (default 40);
//! `CLOSURE_LENS_TYPING_DIR=DIR` edits DIR's `.py` files too, as one module.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::analysis::{Analysis, OccurrenceKind, PythonVersion, ScopeId, ScopeKind};
use closure_lens::config::Settings;
use closure_lens::line_index::Encoding;
use closure_lens::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document, Stats};
use common::edits::{from_env, programs_from_env, stdlib};
use common::synthetic::synthetic_class;
use ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

fn steps() -> usize {
    from_env("CLOSURE_LENS_DIAGNOSTIC_EDITS", 40)
}

fn position(doc: &Document, offset: usize) -> Position {
    let at = doc.line_index.line_col(offset, Encoding::Utf8);
    Position::new(at.line, at.col)
}

/// Edits `base` `steps` times under `version`, each version analysed (as a hints request makes
/// the server do), asking for the diagnostics after every `every`th edit and comparing them
/// with a fresh open's. Returns (asks whose findings followed from an earlier version's, asks).
fn session(
    base: &str,
    version: PythonVersion,
    seed: u64,
    steps: usize,
    every: usize,
) -> (usize, usize) {
    let uri: Uri = "file:///kept.py".parse().unwrap();
    let stats = Arc::new(Stats::default());
    let mut doc = Document::new(uri.clone(), 1, base.to_owned(), version)
        .with_stats(Arc::clone(&stats), DEFAULT_KEEP_TREE_LIMIT);
    let settings = Settings::default();
    doc.diagnostics(&settings);
    let mut edits = BodyEdits::new(seed);
    let mut rng = seed;
    let mut broke = false;
    // The second half of a reaching edit (see `reaching_edit`).
    let mut then: Option<(usize, usize, String)> = None;
    let (mut kept, mut made) = (0, 0);
    for step in 0..steps {
        let analysis = Arc::clone(doc.analysis());
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let reaching = match then.take() {
            Some(second) if !broke => Some(second),
            _ => (!broke && (rng >> 60) % 4 == 0)
                .then(|| reaching_edit(&doc.text, &analysis, rng, &mut then))
                .flatten(),
        };
        let Some((start, end, insert)) = reaching.or_else(|| edits.next(&doc.text, &analysis))
        else {
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
        broke = doc.tree().root_node().has_error();
        if broke {
            edits.take_back(start, insert.len(), removed);
        }
        doc.analysis();
        if step % every != every - 1 {
            continue;
        }
        let wholes = stats.whole_findings.load(Ordering::Relaxed);
        let got = doc.diagnostics(&settings);
        made += 1;
        if stats.whole_findings.load(Ordering::Relaxed) == wholes {
            kept += 1;
        }
        let fresh =
            Document::new(uri.clone(), 0, doc.text.to_string(), version).diagnostics(&settings);
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

/// An edit the body edits rarely make, whose effect reaches findings outside the edited body:
/// a binding of a name the body declares `nonlocal` or `global` (findings elsewhere read that
/// variable's bindings), a global binding of a name a class body binds, or a function starting to call or keep what a parameter gives it (a
/// loop closure passed to it from elsewhere now runs at once, or outlives its iteration: the
/// splice finds the callers' facts again).
fn reaching_edit(
    text: &str,
    analysis: &Analysis,
    seed: u64,
    then: &mut Option<(usize, usize, String)>,
) -> Option<(usize, usize, String)> {
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let indent_at =
        |line: usize| -> String { text[line..].chars().take_while(|c| *c == ' ').collect() };
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let first_body_line = |f: &closure_lens::analysis::Scope| {
        let at = line_end(f.header_end);
        (at < f.range.end && text[f.header_end..at].trim().is_empty()).then_some(at)
    };
    if (seed >> 20) % 3 == 2 {
        // A name a class body binds and a method reads (`class-scope`), declared global by a
        // top-level function (the module's names change: the whole file is analysed again),
        // then bound there (a splice of that body alone: the method's finding goes).
        let read_in_class = |o: &&closure_lens::analysis::Occurrence| {
            o.kind == OccurrenceKind::Read
                && o.symbol.scope == ScopeId::MODULE
                && analysis.ancestors(o.scope).any(|c| {
                    let class = analysis.scope(c);
                    class.kind == ScopeKind::Class
                        && class
                            .symbol(analysis.name_of(o))
                            .is_some_and(|y| y.is_bound())
                })
        };
        let names: Vec<&str> = analysis
            .occurrences
            .iter()
            .filter(read_in_class)
            .map(|o| &**analysis.name_of(o))
            .collect();
        let name = names.get((seed >> 30) as usize % names.len().max(1))?;
        let functions: Vec<ScopeId> = analysis.scope(ScopeId::MODULE).children.clone();
        let f = analysis.scope(*functions.get((seed >> 40) as usize % functions.len().max(1))?);
        if f.kind != ScopeKind::Function {
            return None;
        }
        let at = first_body_line(f)?;
        let indent = indent_at(at);
        let declaration = format!("{indent}global {name}\n");
        *then = Some((
            at + declaration.len(),
            at + declaration.len(),
            format!("{indent}{name} = 0\n"),
        ));
        return Some((at, at, declaration));
    }
    if (seed >> 20) % 3 == 0 {
        let declared: Vec<_> = analysis
            .occurrences
            .iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    OccurrenceKind::NonlocalDecl | OccurrenceKind::GlobalDecl
                )
            })
            .collect();
        let o = declared.get((seed >> 30) as usize % declared.len().max(1))?;
        let line = line_start(o.range.start);
        let at = line_end(o.range.start);
        return Some((
            at,
            at,
            format!("{}{} = 0\n", indent_at(line), analysis.name_of(o)),
        ));
    }
    // Mostly the functions some loop closure's fact reads (a callee it is passed to).
    let callees: Vec<ScopeId> = analysis
        .facts
        .callee_reads
        .iter()
        .map(|c| c.callee)
        .collect();
    let functions: Vec<_> = if callees.is_empty() || (seed >> 22) % 4 == 0 {
        analysis.scopes.iter().collect()
    } else {
        callees.iter().map(|&c| analysis.scope(c)).collect()
    };
    let functions: Vec<_> = functions
        .into_iter()
        .filter(|s| s.kind == ScopeKind::Function && !s.params.is_empty())
        .collect();
    let f = functions.get((seed >> 30) as usize % functions.len().max(1))?;
    let param = &f.params[(seed >> 40) as usize % f.params.len()];
    // The first line of the body, when the body starts on a line of its own.
    let at = first_body_line(f)?;
    let indent = indent_at(at);
    let statement = if (seed >> 21) % 2 == 0 {
        format!("{param}()")
    } else {
        format!("{param}.append({param})")
    };
    Some((at, at, format!("{indent}{statement}\n")))
}

/// Every file on both versions: most edits keep the findings.
fn check(files: &[(&str, String)]) {
    let steps = steps();
    // Asks after every edit: (kept, made); asks after several: how many kept.
    let (mut kept, mut made, mut composed) = (0, 0, 0);
    for (i, (name, text)) in files.iter().enumerate() {
        for (j, version) in [PythonVersion::Py311, PythonVersion::Py314]
            .into_iter()
            .enumerate()
        {
            // Asked after every edit, after every third (the findings follow three splices at
            // once), and rarely (they follow a long log, partly at once).
            for every in [1, 3, 37] {
                let seed = 3 + (i * 6 + j * 3) as u64 + every as u64;
                let (k, m) = session(text, version, seed, steps.max(every), every);
                eprintln!("{name} {version:?} every {every}: {k} of {m} asks kept the findings");
                if every == 1 {
                    kept += k;
                    made += m;
                } else {
                    composed += k;
                }
            }
        }
    }
    assert!(
        kept * 2 > made,
        "only {kept} of {made} asks kept the findings"
    );
    assert!(composed > 0, "no findings followed several splices at once");
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
    // One module read under `from __future__ import annotations` (chunked under that rule).
    let mut files = files;
    files[0]
        .1
        .insert_str(0, "from __future__ import annotations\n");
    // And one with a star import, which binds globals no statement shows.
    files[1].1.insert_str(0, "from os.path import *\n");
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
    let mut files = vec![
        ("closure bugs".to_owned(), bugs),
        ("synthetic".to_owned(), synthetic_class(1_500)),
    ];
    files.extend(programs_from_env());
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (&**n, t.clone())).collect();
    check(&files);
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
        Document::new(uri, 0, doc.text.to_string(), PythonVersion::Py314).diagnostics(&settings);
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

/// A SyntaxError that comes with a keystroke in one body (`nonlocal count` left without a
/// binding) hides that body's findings; the findings elsewhere follow from the previous version's
/// (they were all found again, for the whole file, on every such keystroke).
#[test]
fn a_syntax_error_typed_in_one_body_keeps_the_other_findings() {
    typed_in_one_body(
        "def outer():\n    count = 0\n    def bump():\n        nonlocal count\n        count += 1\n    return bump\n\ndef loops():\n    fs = []\n    for i in range(3):\n        fs.append(lambda: i)\n    return fs\n",
        "count = 0",
        "x",
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
