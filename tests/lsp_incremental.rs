//! Incremental == fresh, always: after any sequence of incremental edits, every feature of the
//! edited document (hints, lenses, semantic tokens, diagnostics with their fixes and fix-all, and
//! hover, highlights, definitions and references at every name and at random offsets, rename at
//! some) equals that of a fresh open of the same text, in UTF-8 and UTF-16
//! sessions.
//!
//! The edits are hostile on purpose: they break indentation, land on chunk (top-level statement)
//! boundaries, cut and join lines, insert non-ASCII text, and use positions that split a
//! multi-byte character or a UTF-16 surrogate pair. Such a position means the start of that
//! character (`line_index`'s documented rule): the test's own model of the client's text applies
//! the same rule, and the server's text must equal it after every edit.

mod common;

use closure_lens::analysis::PythonVersion;
use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::config::Settings;
use closure_lens::ide;
use closure_lens::line_index::Encoding;
use closure_lens::lsp::context::Ctx;
use closure_lens::lsp::documents::Document;
use closure_lens::lsp::to_proto;
use common::edits::{Rng, from_env, random_edit, stdlib};
use ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use serde_json::{Value, json};

/// Every feature's answer on `doc`, as one JSON value.
fn all_features(doc: &Document, encoding: Encoding) -> Value {
    let settings = Settings::default();
    let ctx = Ctx::new(doc, encoding, &settings);
    let whole = closure_lens::analysis::TextRange::new(0, doc.text.len());
    let mut at: Vec<usize> = ctx
        .analysis
        .occurrences
        .iter()
        .map(|o| o.range.start)
        .collect();
    at.extend((0..doc.text.len()).step_by(97));
    at.sort_unstable();
    at.dedup();
    let file = ctx.file();
    let found = ide::diagnostics::diagnostics(&file, &settings);
    let per_offset: Vec<Value> = at
        .iter()
        .map(|&offset| {
            let hover = ide::hover::hover(&file, offset, &found).map(|h| to_proto::hover(&ctx, h));
            let highlights: Vec<_> = ide::highlights::highlights(&file, offset)
                .into_iter()
                .map(|h| to_proto::highlight(&ctx, h))
                .collect();
            let definitions: Vec<_> = ide::definition::definitions(&file, offset)
                .into_iter()
                .map(|r| ctx.location(r))
                .collect();
            let references =
                to_proto::references(&ctx, &ide::references::references(&file, offset, true));
            json!([hover, highlights, definitions, references])
        })
        .collect();
    // Rename needs the tree: at every 7th place only, to a fresh name.
    let tree = doc.tree();
    let renames: Vec<Value> = at
        .iter()
        .step_by(7)
        .map(
            |&offset| match ide::rename::rename(&file, &tree, offset, "renamed_") {
                // Without annotations: the edit does not name the document version.
                Ok(rename) => json!([
                    to_proto::rename_edit(&ctx, &rename, false),
                    to_proto::rename_warnings_text(&rename)
                ]),
                Err(refused) => json!(refused.message),
            },
        )
        .collect();
    let tokens = json!(ls_types::SemanticTokens {
        result_id: None,
        data: to_proto::semantic_tokens(&ctx, &ide::semantic_tokens::semantic_tokens(&file, None)),
    });
    let hints: Vec<_> = ide::inlay_hints::inlay_hints(&file, whole, &settings)
        .into_iter()
        .map(|h| to_proto::inlay_hint(&ctx, h))
        .collect();
    let lenses: Vec<_> = ide::code_lens::code_lenses(&file, &settings)
        .iter()
        .map(|l| to_proto::code_lens(&ctx, l))
        .collect();
    let diagnostics: Vec<_> = found
        .iter()
        .map(|d| {
            json!([
                to_proto::diagnostic(&ctx, d),
                to_proto::quick_fixes(&ctx, d)
            ])
        })
        .collect();
    let fix_all = to_proto::fix_all(&ctx, &ide::diagnostics::fix_all::fix_all(&found));
    json!({
        "hints": hints,
        "lenses": lenses,
        "tokens": tokens,
        "diagnostics": diagnostics,
        "fix_all": fix_all,
        "at": per_offset,
        "renames": renames,
    })
}

/// The byte offset of `position` in `text` under the documented rule: columns past the line end
/// clamp to it, lines past the end to the end of the text, a column inside a character to the
/// character's start. Written independently of `line_index` (a model of the client).
fn model_offset(text: &str, position: Position, encoding: Encoding) -> usize {
    let mut line_start = 0;
    let mut line = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while line < position.line {
        match bytes.get(i) {
            None => return text.len(),
            Some(b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            Some(b'\r') => {
                line += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let mut units = 0u32;
    for (offset, ch) in text[line_start..].char_indices() {
        if ch == '\n' || ch == '\r' {
            return line_start + offset;
        }
        let width = match encoding {
            Encoding::Utf8 => ch.len_utf8() as u32,
            Encoding::Utf16 => ch.len_utf16() as u32,
            Encoding::Utf32 => 1,
        };
        if units + width > position.character {
            return line_start + offset;
        }
        units += width;
    }
    text.len()
}

/// The position (in `encoding`) of byte `offset`, optionally nudged into the middle of the
/// character there.
fn position_of(text: &str, offset: usize, encoding: Encoding, split: bool) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + before.matches('\r').count()
        - before.matches("\r\n").count();
    let column = &text[line_start..offset];
    let mut character = match encoding {
        Encoding::Utf8 => column.len(),
        Encoding::Utf16 => column.encode_utf16().count(),
        Encoding::Utf32 => column.chars().count(),
    } as u32;
    let next = text[offset..].chars().next();
    let wide = next.is_some_and(|c| match encoding {
        Encoding::Utf8 => c.len_utf8() > 1,
        Encoding::Utf16 => c.len_utf16() > 1,
        Encoding::Utf32 => false,
    });
    if split && wide {
        character += 1;
    }
    Position::new(line as u32, character)
}

/// Every feature of `doc` equals that of a fresh open of its text.
fn assert_as_fresh(doc: &Document, encoding: Encoding, what: &str) {
    let fresh = Document::new(doc.uri.clone(), 0, doc.text.to_string(), doc.python_version);
    let got = all_features(doc, encoding);
    let expected = all_features(&fresh, encoding);
    if got != expected {
        let differ: Vec<&String> = got
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| got[k.as_str()] != expected[k.as_str()])
            .collect();
        panic!(
            "{what}: incremental != fresh in {differ:?}\ntext: {:?}\ngot: {}\nexpected: {}",
            doc.text, got["hints"], expected["hints"]
        );
    }
}

fn session(base: &str, encoding: Encoding, seed: u64, edits: usize, compare_every: usize) {
    let uri: Uri = "file:///incremental.py".parse().unwrap();
    let version = PythonVersion::Py314;
    let mut doc = Document::new(uri.clone(), 1, base.to_owned(), version);
    let mut model = base.to_owned();
    let mut rng = Rng(seed);
    // As the server does: the first analysis is whole, then the chunk cache is warmed.
    doc.analysis();
    doc.warm();
    for step in 0..edits {
        let (start, end, insert) = random_edit(&mut rng, &model);
        let split = rng.below(6) == 0;
        let range = Range::new(
            position_of(&model, start, encoding, split),
            position_of(&model, end, encoding, split && rng.below(2) == 0),
        );
        let change = TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: insert.clone(),
        };
        // The model applies the documented rule to the same positions.
        let a = model_offset(&model, range.start, encoding);
        let b = model_offset(&model, range.end, encoding);
        model.replace_range(a.min(b)..a.max(b), &insert);
        doc.apply_changes(step as i32 + 2, &[change], encoding);
        assert_eq!(*doc.text, model, "step {step}: the server's text diverged");
        if step % compare_every == compare_every - 1 || step == edits - 1 {
            let same_tree = doc.tree().root_node().to_sexp()
                == closure_lens::syntax::parse(&model).root_node().to_sexp();
            let what = format!(
                "step {step} ({encoding:?}, seed {seed}; tree equal to a fresh parse: {same_tree})"
            );
            assert_as_fresh(&doc, encoding, &what);
        }
    }
}

const SAMPLE: &str = "import os\n\ndef make_counter():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n        return count\n    return inc\n\nclass C:\n    def m(self):\n        __x = 1\n        return lambda: (__x, super())\n\nx = [lambda: i for i in range(3)]; y = 2\n# comment\n@dec\ndef f(a):\n    def g():\n        return a\n    return [a for _ in a]\n\nclass D(C):\n    def m(self):\n        return super().m()\n";

#[test]
fn random_edits_keep_every_feature_equal_to_a_fresh_open() {
    // CLOSURE_LENS_INCREMENTAL_SEEDS=N runs N seeds per encoding (default 6).
    let seeds = from_env("CLOSURE_LENS_INCREMENTAL_SEEDS", 6u64);
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        for seed in 1..=seeds {
            session(SAMPLE, encoding, seed, 300, 1 + seed as usize % 10);
        }
    }
}

/// Typing inside function bodies (names, statements, deleted lines; a stray character that
/// breaks the syntax is taken back by the next edit), each edit analysed at once, as an editor
/// asking for hints after every keystroke makes the server do: most edits re-analyse only the
/// edited body, and every feature equals that of a fresh open after each one.
#[test]
fn body_edits_keep_every_feature_equal_to_a_fresh_open() {
    let functools = std::fs::read_to_string(stdlib().join("functools.py")).expect("functools.py");
    for (seed, (base, steps)) in [(SAMPLE, 150), (functools.as_str(), 25)]
        .into_iter()
        .enumerate()
    {
        let uri: Uri = "file:///bodies.py".parse().unwrap();
        let mut doc = Document::new(uri, 1, base.to_owned(), PythonVersion::Py314);
        doc.analysis();
        let mut edits = BodyEdits::new(seed as u64 + 5);
        for step in 0..steps {
            let analysis = doc.analysis().clone();
            let Some((start, end, insert)) = edits.next(&doc.text, &analysis) else {
                break;
            };
            drop(analysis);
            let removed = doc.text[start..end].to_owned();
            let encoding = Encoding::Utf16;
            let change = TextDocumentContentChangeEvent {
                range: Some(Range::new(
                    position_of(&doc.text, start, encoding, false),
                    position_of(&doc.text, end, encoding, false),
                )),
                range_length: None,
                text: insert.clone(),
            };
            doc.apply_changes(step as i32 + 2, &[change], encoding);
            if doc.tree().root_node().has_error() {
                edits.take_back(start, insert.len(), removed);
            }
            assert_as_fresh(
                &doc,
                encoding,
                &format!("step {step}, {insert:?} at {start}"),
            );
        }
        let spliced = doc.body_splices() as usize;
        assert!(
            spliced * 3 > steps,
            "only {spliced} of {steps} edits spliced"
        );
    }
}

#[test]
fn random_edits_of_a_real_module() {
    let text = std::fs::read_to_string(stdlib().join("functools.py")).expect("functools.py");
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        session(&text, encoding, 99, 200, 50);
    }
}
