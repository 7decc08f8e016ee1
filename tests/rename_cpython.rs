//! Rename and references, judged by CPython 3.11 (`python3`): random variables of the standard
//! library and of the engine corpus are renamed, the edits applied, and the result compared with
//! the original by `tests/oracle/rename_check.py` — the renamed program's symbol table must be the
//! original's with exactly that variable renamed, its syntax tree the same but for the renamed
//! identifiers, and the references exactly the identifiers CPython binds to the variable. Refused
//! renames are counted by reason; the oracle also says whether each conflict refusal was needed
//! (the same rename forced through would have changed meaning).
//!
//! Sample size (defaults sized for CI, about a minute in a debug build):
//!   CLOSURE_LENS_RENAME_FILES     files drawn from the stdlib + corpus (default 250; `all`)
//!   CLOSURE_LENS_RENAME_PER_FILE  variables renamed per file (default 4)
//!   CLOSURE_LENS_RENAME_SEED      the random seed (default 1)
//!   CLOSURE_LENS_RENAME_PATHS     only these files (`:`-separated), e.g. to replay a failure
//!   CLOSURE_LENS_RENAME_KEEP=DIR  keep the oracle's input there (`cases-N.jsonl`), to rerun
//!                                 `python3 tests/oracle/rename_check.py DIR/cases-0.jsonl`
//! Full run (every file, more variables each; use a release build):
//!   CLOSURE_LENS_RENAME_FILES=all CLOSURE_LENS_RENAME_PER_FILE=12 \
//!     cargo test --release --test rename_cpython -- --nocapture

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use closure_lens::analysis::names::{mangle, normalize};
use closure_lens::analysis::{
    self, Analysis, Occurrence, OccurrenceKind, PythonVersion, ScopeId, ScopeKind, SymbolFlags,
    SymbolId, TextRange, is_user_visible,
};
use closure_lens::ide::rename::{self, Refusal};
use closure_lens::ide::{FileView, references};
use closure_lens::line_index::{Encoding, LineIndex};
use closure_lens::syntax;
use rayon::prelude::*;
use serde_json::{Value, json};

fn env_number(name: &str, default: usize) -> Option<usize> {
    match std::env::var(name) {
        Ok(v) if v == "all" => None,
        Ok(v) => Some(
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v}: not a number")),
        ),
        Err(_) => Some(default),
    }
}

/// SplitMix64: a small, seedable generator (the sample must be reproducible).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn python() -> String {
    std::env::var("CLOSURE_LENS_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The stdlib files (`cpython_dump.py --list-stdlib`) and the corpus cases.
fn all_files() -> Vec<PathBuf> {
    let out = Command::new(python())
        .arg(root().join("tests/oracle/cpython_dump.py"))
        .arg("--list-stdlib")
        .output()
        .expect("this test needs python3 (CPython 3.11) as the oracle");
    assert!(out.status.success(), "listing the stdlib failed");
    let mut files: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    let cases = root().join("tests/corpus/cases");
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("tests/corpus/cases")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    corpus.sort();
    files.extend(corpus);
    files
}

/// Why a variable is interesting to rename; each draw picks a category first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Category {
    Nonlocal,
    Global,
    Comprehension,
    Decorator,
    ClassBody,
    Keyword,
    Captured,
    Module,
    Local,
    ClassAttribute,
    Builtin,
}

fn categories(file: &FileView, var: SymbolId, occurrences: &[&Occurrence]) -> Vec<Category> {
    let analysis = file.analysis;
    let owner = analysis.scope(var.scope);
    let symbol = analysis.symbol(var);
    if !occurrences.iter().any(|o| o.is_binding()) {
        return vec![Category::Builtin];
    }
    if owner.kind == ScopeKind::Class {
        return vec![Category::ClassAttribute];
    }
    let mut found = Vec::new();
    let kinds = |k: OccurrenceKind| occurrences.iter().any(|o| o.kind == k);
    if kinds(OccurrenceKind::NonlocalDecl) {
        found.push(Category::Nonlocal);
    }
    if kinds(OccurrenceKind::GlobalDecl) {
        found.push(Category::Global);
    }
    if owner.kind.is_comprehension()
        || occurrences
            .iter()
            .any(|o| analysis.scope(o.scope).kind.is_comprehension())
    {
        found.push(Category::Comprehension);
    }
    if occurrences
        .iter()
        .any(|o| file.line_text(o.range.start).starts_with('@'))
    {
        found.push(Category::Decorator);
    }
    let in_class = |s: ScopeId| {
        std::iter::once(s)
            .chain(analysis.ancestors(s))
            .take_while(|&a| a != var.scope)
            .any(|a| analysis.scope(a).kind == ScopeKind::Class)
    };
    if occurrences.iter().any(|o| in_class(o.scope)) {
        found.push(Category::ClassBody);
    }
    if symbol.flags.contains(SymbolFlags::PARAM)
        && file
            .text
            .contains(&format!("{}=", file.text(occurrences[0].range)))
    {
        found.push(Category::Keyword);
    }
    if occurrences
        .iter()
        .any(|o| analysis.frame_of(o.scope) != analysis.frame_of(var.scope))
    {
        found.push(Category::Captured);
    }
    if found.is_empty() {
        found.push(if var.scope == ScopeId::MODULE {
            Category::Module
        } else {
            Category::Local
        });
    }
    found
}

/// The innermost class around `scope` (whose name mangles `__x` there).
fn private_class(analysis: &Analysis, scope: ScopeId) -> Option<&str> {
    std::iter::once(scope)
        .chain(analysis.ancestors(scope))
        .map(|s| analysis.scope(s))
        .find(|s| s.kind == ScopeKind::Class)
        .map(|s| s.name.as_str())
}

fn position(lines: &LineIndex, offset: usize) -> Value {
    let lc = lines.line_col(offset, Encoding::Utf8);
    json!([lc.line + 1, lc.col])
}

fn apply(text: &str, edits: &[(TextRange, String)]) -> String {
    let mut out = text.to_owned();
    for (range, new_text) in edits.iter().rev() {
        out.replace_range(range.start..range.end, new_text);
    }
    out
}

/// Whether the identifier at `range` binds an import without an alias (`import m`,
/// `from m import x`): forcing a rename through must then add `as new`.
fn unaliased_import(tree: &tree_sitter::Tree, range: TextRange) -> bool {
    let node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end);
    node.and_then(|n| n.parent())
        .filter(|p| p.kind() == "dotted_name")
        .and_then(|p| p.parent())
        .is_some_and(|s| matches!(s.kind(), "import_statement" | "import_from_statement"))
}

/// Draws up to `count` renames in one file and answers them: one oracle case each.
fn cases_for(path: &Path, count: usize, seed: u64) -> Result<Vec<Value>, &'static str> {
    let bytes = std::fs::read(path).map_err(|_| "unreadable")?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8")?;
    let tree = syntax::parse(&text);
    let analysis = analysis::analyze(&text, &tree, PythonVersion::Py311);
    if analysis.has_syntax_errors() {
        return Err("tree-sitter syntax errors");
    }
    let lines = LineIndex::new(&text);
    let file = FileView {
        text: &text,
        lines: &lines,
        analysis: &analysis,
    };
    let mut by_variable: BTreeMap<SymbolId, Vec<&Occurrence>> = BTreeMap::new();
    for o in &analysis.occurrences {
        if is_user_visible(analysis.name_of(o)) {
            by_variable.entry(o.symbol).or_default().push(o);
        }
    }
    let mut pools: BTreeMap<Category, Vec<SymbolId>> = BTreeMap::new();
    for (&var, occurrences) in &by_variable {
        for c in categories(&file, var, occurrences) {
            pools.entry(c).or_default().push(var);
        }
    }
    let names: Vec<&str> = by_variable
        .values()
        .map(|o| file.text(o[0].range))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = Rng(seed);
    let rare = [Category::ClassAttribute, Category::Builtin];
    let common: Vec<Category> = pools
        .keys()
        .copied()
        .filter(|c| !rare.contains(c))
        .collect();
    let mut chosen = HashSet::new();
    let mut cases = Vec::new();
    for draw in 0..count * 3 {
        if cases.len() == count {
            break;
        }
        let category = if rng.below(10) == 0 || common.is_empty() {
            *rng.pick(&rare)
        } else {
            *rng.pick(&common)
        };
        let Some(pool) = pools.get(&category) else {
            continue;
        };
        let var = *rng.pick(pool);
        if !chosen.insert(var) {
            continue;
        }
        let occurrences = &by_variable[&var];
        let cursor = *rng.pick(occurrences);
        let old_plain = normalize(file.text(cursor.range)).into_owned();
        let new_name = if rng.below(4) == 0 {
            rng.pick(&names).to_string()
        } else {
            (1..)
                .map(|n| {
                    if old_plain.ends_with("__") {
                        format!("{old_plain}r{n}")
                    } else {
                        format!("{old_plain}_r{n}")
                    }
                })
                .find(|n| !text.contains(n.as_str()))
                .unwrap_or_default()
        };
        if new_name == old_plain {
            continue;
        }
        let new_plain = normalize(&new_name).into_owned();
        let owner = analysis.scope(var.scope);
        let old_stored = analysis.symbol(var).name.to_string();
        // Every occurrence stores the new name alike (or the rename is refused): the cursor's.
        let new_stored = mangle(private_class(&analysis, cursor.scope), &new_plain).into_owned();
        let refs: Vec<Value> = references::references(&file, cursor.range.start, true)
            .iter()
            .map(|o| position(&lines, o.range.start))
            .collect();
        let mut case = json!({
            "id": format!("{}#{draw}", path.display()),
            "path": path.display().to_string(),
            "source": text,
            "category": format!("{category:?}"),
            "owner": {"index": var.scope.index(), "name": owner.name, "line": owner.line},
            "old_stored": old_stored, "old_plain": old_plain,
            "new_stored": new_stored, "new_plain": new_plain, "new_name": new_name,
            "references": refs,
        });
        match rename::rename(&file, &tree, cursor.range.start, &new_name) {
            Ok(result) => {
                let edits: Vec<(TextRange, String)> = result
                    .edits
                    .iter()
                    .map(|e| (e.range, e.new_text.clone()))
                    .collect();
                case["outcome"] = json!("renamed");
                // Where identifiers were renamed: an edit's start, or for an f-string field
                // rewritten whole (`{x=}` -> `x={new!r}`) the occurrences inside it.
                let mut renamed_at: Vec<Value> = Vec::new();
                for e in &result.edits {
                    let inside: Vec<&&Occurrence> = occurrences
                        .iter()
                        .filter(|o| e.range.start <= o.range.start && o.range.end <= e.range.end)
                        .collect();
                    if e.new_text.contains('{') && !inside.is_empty() {
                        renamed_at.extend(inside.iter().map(|o| position(&lines, o.range.start)));
                    } else {
                        renamed_at.push(position(&lines, e.range.start));
                    }
                }
                case["edits"] = json!(renamed_at);
                case["renamed"] = json!(apply(&text, &edits));
            }
            Err(error) => {
                case["outcome"] = json!(error.reason.as_str());
                case["message"] = json!(error.message);
                let judged = matches!(
                    error.reason,
                    Refusal::Conflict | Refusal::Mangling | Refusal::SoftKeyword
                );
                if judged {
                    let forced: Vec<(TextRange, String)> = occurrences
                        .iter()
                        .map(|o| {
                            let import =
                                o.kind == OccurrenceKind::Write && unaliased_import(&tree, o.range);
                            let spelled = file.text(o.range);
                            let new_text = if import {
                                format!("{spelled} as {new_name}")
                            } else {
                                new_name.clone()
                            };
                            (o.range, new_text)
                        })
                        .collect();
                    case["forced"] = json!(apply(&text, &forced));
                } else if error.reason == Refusal::AmbiguousCall {
                    case["forced"] = json!("");
                }
            }
        }
        cases.push(case);
    }
    Ok(cases)
}

#[derive(Default)]
struct Tally {
    renamed: usize,
    refused: BTreeMap<String, (usize, usize, usize)>,
    by_category: BTreeMap<String, (usize, usize)>,
}

#[test]
fn renames_keep_the_meaning_cpython_gives_the_program() {
    let started = Instant::now();
    let files_wanted = env_number("CLOSURE_LENS_RENAME_FILES", 250);
    let per_file = env_number("CLOSURE_LENS_RENAME_PER_FILE", 4).unwrap_or(usize::MAX);
    let seed: u64 = std::env::var("CLOSURE_LENS_RENAME_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut files = match std::env::var("CLOSURE_LENS_RENAME_PATHS") {
        Ok(paths) => paths.split(':').map(PathBuf::from).collect(),
        Err(_) => all_files(),
    };
    let total_files = files.len();
    let mut rng = Rng(seed);
    if let Some(n) = files_wanted.filter(|&n| n < files.len()) {
        // A partial Fisher-Yates shuffle: n files without repetition.
        for i in 0..n {
            let j = i + rng.below(files.len() - i);
            files.swap(i, j);
        }
        files.truncate(n);
    }
    let results: Vec<(PathBuf, Result<Vec<Value>, &str>)> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.clone(),
                cases_for(f, per_file, seed ^ (i as u64 + 1) << 20),
            )
        })
        .collect();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut cases = Vec::new();
    for (_, r) in &results {
        match r {
            Ok(c) => cases.extend(c.iter().cloned()),
            Err(why) => *skipped.entry(why).or_default() += 1,
        }
    }
    let answered = started.elapsed();

    // The oracle: one process per core, each judging whole files (it caches a file's analysis).
    let dir = tempfile::tempdir().expect("a temporary directory");
    // CLOSURE_LENS_RENAME_KEEP=DIR keeps the cases there (to rerun the oracle by hand).
    let keep = std::env::var_os("CLOSURE_LENS_RENAME_KEEP").map(PathBuf::from);
    let dir_path = keep.unwrap_or_else(|| dir.path().to_owned());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut writers = Vec::new();
    for w in 0..workers {
        let path = dir_path.join(format!("cases-{w}.jsonl"));
        writers.push(std::io::BufWriter::new(
            std::fs::File::create(&path).expect("write the cases"),
        ));
        inputs.push(path);
    }
    for (i, (_, r)) in results.iter().enumerate() {
        for case in r.iter().flatten() {
            writeln!(writers[i % workers], "{case}").expect("write a case");
        }
    }
    drop(writers);
    let verdicts: HashMap<String, Value> = inputs
        .par_iter()
        .map(|input| {
            let out = Command::new(python())
                .arg(root().join("tests/oracle/rename_check.py"))
                .arg(input)
                .output()
                .expect("run the rename oracle");
            assert!(
                out.status.success(),
                "the oracle failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect::<Vec<String>>()
        .iter()
        .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
        .map(|l| serde_json::from_str::<Value>(&l).expect("a JSON verdict"))
        .map(|v| (v["id"].as_str().unwrap_or("?").to_owned(), v))
        .collect();
    assert_eq!(verdicts.len(), cases.len(), "one verdict per case");

    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut cautious = Vec::new();
    let mut oracle_skips: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let verdict = &verdicts[id];
        if let Some(why) = verdict["skipped"].as_str() {
            let key = why.split(':').next().unwrap_or(why).to_owned();
            *oracle_skips.entry(key).or_default() += 1;
            continue;
        }
        let outcome = case["outcome"].as_str().unwrap_or("?").to_owned();
        let category = case["category"].as_str().unwrap_or("?").to_owned();
        let entry = tally.by_category.entry(category).or_default();
        if outcome == "renamed" {
            tally.renamed += 1;
            entry.0 += 1;
        } else {
            entry.1 += 1;
            let slot = tally.refused.entry(outcome).or_default();
            slot.0 += 1;
            match verdict["justified"].as_bool() {
                Some(true) => slot.1 += 1,
                Some(false) => {
                    slot.2 += 1;
                    cautious.push(format!(
                        "{id}: `{}` -> `{}`: {}",
                        case["old_plain"].as_str().unwrap_or("?"),
                        case["new_name"].as_str().unwrap_or("?"),
                        case["message"].as_str().unwrap_or("?")
                    ));
                }
                None => {}
            }
        }
        if let Some(problems) = verdict["problems"].as_array().filter(|p| !p.is_empty()) {
            failures.push(format!(
                "{id}: `{}` (owner {}) -> `{}` [{}, {}]\n    {}",
                case["old_plain"].as_str().unwrap_or("?"),
                case["owner"]["name"].as_str().unwrap_or("?"),
                case["new_name"].as_str().unwrap_or("?"),
                case["category"].as_str().unwrap_or("?"),
                case["outcome"].as_str().unwrap_or("?"),
                problems
                    .iter()
                    .map(|p| p.as_str().unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
    }
    let judged = cases.len() - oracle_skips.values().sum::<usize>();
    println!(
        "rename vs CPython {}: {} of {} files (seed {seed}), {} cases, {} judged, {} renamed; answered in {:.1}s, total {:.1}s",
        python(),
        files.len(),
        total_files,
        cases.len(),
        judged,
        tally.renamed,
        answered.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!("files skipped: {skipped:?}; cases the oracle skipped: {oracle_skips:?}");
    println!("refused (count, needed, over-cautious):");
    for (reason, (n, needed, cautious)) in &tally.refused {
        println!("  {reason:>20}: {n:>5} {needed:>5} {cautious:>5}");
    }
    println!("by category (renamed, refused): {:?}", tally.by_category);
    for c in cautious.iter().take(10) {
        println!("over-cautious: {c}");
    }
    assert!(judged > 0, "no case was judged");
    assert!(
        failures.is_empty(),
        "{} of {judged} cases differ from CPython:\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
