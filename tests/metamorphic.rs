//! Metamorphic test: layout rewrites that cannot change CPython's view must not change
//! closure-lens's.
//!
//! `tests/metamorphic/rewrite.py` rewrites every file of the machine's stdlib six ways (comments
//! and backslash continuations between tokens, redundant parentheses, `ruff format`, CRLF line
//! endings, tab indentation), maps each original line to the lines its tokens moved to, and
//! checks with CPython's own symbol table and code objects, on one file in ten every run (all of
//! them with `rewrite.py --verify all`; its docstring says how), that the rewrite changes nothing
//! CPython computes. This test then analyses the original and every rewrite in process, under
//! 3.11 or 3.14 (every other file), and requires the same analysis: `has_syntax_errors`,
//! `too_deep`, every field of the `scopes` of `check --output-format json-lines` (names, closures,
//! cells; `line` and `code_line` through the line map; source ranges are layout), the `errors`
//! (message and mapped line) and every identifier occurrence with the variable it names. A file
//! tree-sitter cannot parse in its original form is listed, not compared.
//!
//! Needs `python3` (3.11+) and PyPI for ruff (installed into `.cache/` by
//! `tests/metamorphic/install-ruff`; `CLOSURE_LENS_RUFF=PATH` uses another binary).
//! `CLOSURE_LENS_METAMORPHIC_DIR=DIR` compares the rewrites an earlier run of `rewrite.py --out DIR`
//! left there instead of making new ones (while debugging the engine).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use closure_lens::analysis::{Analysis, PythonVersion, analyze};
use closure_lens::cli::read_source;
use closure_lens::cli::result::position;
use closure_lens::cli::scopes_json;
use closure_lens::line_index::LineIndex;
use closure_lens::syntax::parse;
use rayon::prelude::*;
use serde_json::{Value, json};

/// The rules applied: the oldest and the newest (3.14 adds annotation scopes), each to every
/// other file (by its position in path order), which halves the test's time.
const VERSIONS: [PythonVersion; 2] = [PythonVersion::Py311, PythonVersion::Py314];

/// CPython's view of a rewrite is checked on one file in this many, every run.
const VERIFY_EVERY: &str = "10";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> String {
    std::env::var("CLOSURE_LENS_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn ruff() -> String {
    if let Ok(path) = std::env::var("CLOSURE_LENS_RUFF") {
        return path;
    }
    let out = Command::new("bash")
        .arg(root().join("tests/metamorphic/install-ruff"))
        .output()
        .expect("run tests/metamorphic/install-ruff");
    assert!(
        out.status.success(),
        "tests/metamorphic/install-ruff failed (it installs ruff from PyPI into .cache/): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One rewritten file: which rewrite, where, and the line map.
struct Rewrite {
    name: String,
    path: PathBuf,
    lines: HashMap<u32, Vec<u32>>,
}

impl Rewrite {
    /// Whether `new` is where a token of original line `old` went.
    fn maps(&self, old: &Value, new: &Value) -> bool {
        match (old.as_u64(), new.as_u64()) {
            (Some(old), Some(new)) => {
                let (old, new) = (old as u32, new as u32);
                self.lines
                    .get(&old)
                    .map_or(new == old, |rows| rows.contains(&new))
            }
            _ => old == new,
        }
    }
}

/// Runs the rewriter; returns, per original file, its rewrites (and the skip counts per rewrite).
fn rewrite_stdlib(out: &Path) -> (BTreeMap<String, Vec<Rewrite>>, BTreeMap<String, usize>) {
    if let Ok(dir) = std::env::var("CLOSURE_LENS_METAMORPHIC_DIR") {
        return read_manifests(Path::new(&dir));
    }
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out).expect("create the output directory");
    let run = Command::new(python())
        .arg(root().join("tests/metamorphic/rewrite.py"))
        .arg("--out")
        .arg(out)
        .args(["--verify", VERIFY_EVERY, "--ruff", &ruff(), "--stdlib"])
        .output()
        .expect("run python3 tests/metamorphic/rewrite.py");
    let log = String::from_utf8_lossy(&run.stderr);
    eprintln!("{log}");
    assert!(
        run.status.success(),
        "the rewriter failed: a rewrite CPython rejects, or one that changes CPython's view \
         (listed above)"
    );
    read_manifests(out)
}

/// The rewrites listed in `out/*/manifest.jsonl`.
fn read_manifests(out: &Path) -> (BTreeMap<String, Vec<Rewrite>>, BTreeMap<String, usize>) {
    let mut by_file: BTreeMap<String, Vec<Rewrite>> = BTreeMap::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(out).expect("read the rewrites") {
        let dir = entry.expect("a rewrite directory").path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let manifest = std::fs::read_to_string(dir.join("manifest.jsonl")).expect("manifest");
        for line in manifest.lines() {
            let v: Value = serde_json::from_str(line).expect("a manifest line");
            let original = v["original"].as_str().unwrap().to_string();
            let Some(path) = v["rewritten"].as_str() else {
                *skipped.entry(name.clone()).or_default() += 1;
                continue;
            };
            let lines = v["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    let old = pair[0].as_u64().unwrap() as u32;
                    let new = pair[1].as_array().unwrap();
                    (
                        old,
                        new.iter().map(|n| n.as_u64().unwrap() as u32).collect(),
                    )
                })
                .collect();
            by_file.entry(original).or_default().push(Rewrite {
                name: name.clone(),
                path: PathBuf::from(path),
                lines,
            });
        }
    }
    (by_file, skipped)
}

/// The analysis as `check --format json-lines` prints it (`has_syntax_errors`, `too_deep`,
/// `scopes`, `errors`), plus the analysis itself (for its occurrences).
fn analyse(path: &Path, version: PythonVersion) -> (Value, Analysis) {
    let text = read_source(path).unwrap_or_else(|e| panic!("{e}"));
    let tree = parse(&text);
    let analysis = analyze(&text, &tree, version);
    let lines = LineIndex::new(&text);
    let scopes: Value = serde_json::from_str(&scopes_json(&analysis, &lines)).expect("JSON");
    let errors: Vec<Value> = analysis
        .errors
        .iter()
        .map(|e| json!({"message": e.message(), "line": position(&lines, e.range.start).line}))
        .collect();
    let json = json!({
        "has_syntax_errors": analysis.has_syntax_errors(),
        "too_deep": analysis.too_deep.is_some(),
        "scopes": scopes,
        "errors": errors,
    });
    (json, analysis)
}

/// Differences between the analyses of an original (`a`) and its rewrite (`b`).
fn compare(a: &(Value, Analysis), b: &(Value, Analysis), rewrite: &Rewrite) -> Vec<String> {
    let mut diffs = Vec::new();
    let (ja, jb) = (&a.0, &b.0);
    if jb["has_syntax_errors"] == true {
        diffs.push("tree-sitter reports syntax errors in the rewrite only".to_string());
    }
    if ja["too_deep"] != jb["too_deep"] {
        diffs.push(format!(
            "too_deep: {} vs {}",
            ja["too_deep"], jb["too_deep"]
        ));
    }
    let (ea, eb) = (
        ja["errors"].as_array().unwrap(),
        jb["errors"].as_array().unwrap(),
    );
    if ea.len() != eb.len() {
        diffs.push(format!("errors: {} vs {}", ea.len(), eb.len()));
    }
    for (x, y) in ea.iter().zip(eb) {
        if x["message"] != y["message"] || !rewrite.maps(&x["line"], &y["line"]) {
            diffs.push(format!(
                "error {} at line {} vs {} at line {}",
                x["message"], x["line"], y["message"], y["line"]
            ));
        }
    }
    let (sa, sb) = (
        ja["scopes"].as_array().unwrap(),
        jb["scopes"].as_array().unwrap(),
    );
    if sa.len() != sb.len() {
        diffs.push(format!("scopes: {} vs {}", sa.len(), sb.len()));
    }
    for (x, y) in sa.iter().zip(sb) {
        let at = format!("scope {} ({} line {})", x["qualname"], x["kind"], x["line"]);
        for (key, vx) in x.as_object().unwrap() {
            let vy = &y[key];
            let same = match key.as_str() {
                "range" => true,
                "line" | "code_line" => rewrite.maps(vx, vy),
                _ => vx == vy,
            };
            if !same {
                diffs.push(format!("{at}: {key}: {vx} vs {vy}"));
            }
        }
        if diffs.len() > 20 {
            break;
        }
    }
    let (oa, ob) = (&a.1.occurrences, &b.1.occurrences);
    if oa.len() != ob.len() {
        diffs.push(format!("occurrences: {} vs {}", oa.len(), ob.len()));
    }
    let first_diff = oa.iter().zip(ob).find(|(x, y)| {
        (a.1.name_of(x), x.kind, x.scope, x.symbol) != (b.1.name_of(y), y.kind, y.scope, y.symbol)
    });
    if let Some((x, y)) = first_diff {
        diffs.push(format!("first different occurrence: {x:?} vs {y:?}"));
    }
    diffs
}

#[derive(Default)]
struct Counts {
    files: usize,
    scopes: usize,
    mismatched_files: usize,
}

#[test]
fn layout_rewrites_do_not_change_the_analysis() {
    let started = Instant::now();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("metamorphic");
    let (by_file, skipped) = rewrite_stdlib(&out);
    let rewritten_in = started.elapsed();

    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 * 1024 * 1024)
        .build()
        .expect("threads");
    let counts: Mutex<BTreeMap<String, Counts>> = Mutex::new(BTreeMap::new());
    let unparsed: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mismatches: Mutex<Vec<String>> = Mutex::new(Vec::new());
    pool.install(|| {
        let files: Vec<_> = by_file.iter().enumerate().collect();
        files.par_iter().for_each(|&(index, (original, rewrites))| {
            let version = VERSIONS[index % VERSIONS.len()];
            let a = analyse(Path::new(original), version);
            if a.0["has_syntax_errors"] == true {
                unparsed.lock().unwrap().push(original.clone());
                return;
            }
            for rewrite in rewrites {
                let b = analyse(&rewrite.path, version);
                let diffs = compare(&a, &b, rewrite);
                let mut counts = counts.lock().unwrap();
                let c = counts.entry(rewrite.name.clone()).or_default();
                c.files += 1;
                c.scopes += a.0["scopes"].as_array().map_or(0, Vec::len);
                if !diffs.is_empty() {
                    c.mismatched_files += 1;
                    mismatches.lock().unwrap().push(format!(
                        "[{} {}] {} (rewritten: {}):\n      {}",
                        rewrite.name,
                        version,
                        original,
                        rewrite.path.display(),
                        diffs.join("\n      ")
                    ));
                }
            }
        })
    });

    let counts = counts.into_inner().unwrap();
    let mut unparsed = unparsed.into_inner().unwrap();
    let mut mismatches = mismatches.into_inner().unwrap();
    unparsed.sort();
    mismatches.sort();
    eprintln!(
        "metamorphic: {} stdlib files; rewriting and CPython's check took {:.1}s, all done in {:.1}s",
        by_file.len(),
        rewritten_in.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    for (name, c) in &counts {
        eprintln!(
            "  {name:<13} {} analyses compared ({} files skipped by the rewriter), {} scopes; \
             {} with differences",
            c.files,
            skipped.get(name).copied().unwrap_or(0),
            c.scopes,
            c.mismatched_files
        );
    }
    eprintln!(
        "  originals tree-sitter cannot parse (not compared): {}",
        unparsed.join(", ")
    );
    let all = mismatches.join("\n");
    let report = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("metamorphic-mismatches.txt");
    let _ = std::fs::write(&report, &all);
    for m in mismatches.iter().take(30) {
        eprintln!("  {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} analyses differ from their original's (all in {})",
        mismatches.len(),
        report.display()
    );
}
