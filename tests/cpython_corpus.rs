//! closure-lens against CPython on the focused corpus `tests/corpus/cases/*.py`.
//!
//! The expected files `tests/corpus/expected/<version>/<case>.json` were produced by the real
//! interpreters (`tests/oracle/regenerate`: native 3.11, pyodide 3.12 / 3.13 / 3.14) and are
//! committed; this test never runs Python. For each version and case it runs
//! `closure-lens check --output-format json-lines --python-version V tests/corpus/cases/<case>.py`
//! and compares (see `common::oracle_compare`). Cases CPython rejected for a version are skipped and counted.

mod common;

use std::path::{Path, PathBuf};

use common::oracle_compare::{self as oc, Mismatch, Summary};
use serde_json::Value;

const VERSIONS: [&str; 4] = ["3.11", "3.12", "3.13", "3.14"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<String> {
    let dir = root().join("tests/corpus/cases");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py"))
        .map(|n| n.trim_end_matches(".py").to_string())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in {}", dir.display());
    names
}

fn expected(version: &str, case: &str) -> Value {
    let p = root().join(format!("tests/corpus/expected/{version}/{case}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "missing expected file {} ({e}): run tests/oracle/regenerate",
            p.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: bad JSON: {e}", p.display()))
}

fn mismatch(
    version: &str,
    path: &str,
    location: &str,
    field: &str,
    e: String,
    a: String,
) -> Mismatch {
    Mismatch {
        path: path.into(),
        version: version.into(),
        location: location.into(),
        field: field.into(),
        expected: e,
        actual: a,
    }
}

fn check_version(bin: &Path, version: &str, cases: &[String]) -> Summary {
    let mut summary = Summary::default();
    let paths: Vec<String> = cases
        .iter()
        .map(|c| format!("tests/corpus/cases/{c}.py"))
        .collect();

    // One run over all cases: one JSON line per file, sorted by path.
    let batch = oc::run_check(bin, &root(), version, &paths);
    if batch.status == Some(2) || batch.status.is_none() {
        summary.mismatches.push(mismatch(
            version,
            "(all cases)",
            "batch run",
            "exit status",
            "0 or 1".into(),
            format!("{:?}; stderr: {}", batch.status, batch.stderr.trim()),
        ));
    }
    let got: Vec<String> = batch
        .files
        .iter()
        .map(|v| {
            v.get("path")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    if got != paths {
        summary.mismatches.push(mismatch(
            version,
            "(all cases)",
            "batch run",
            "paths of the JSON lines (one per file, sorted)",
            format!("{} lines, first {:?}", paths.len(), paths.first()),
            format!(
                "{} lines, first {:?}{}",
                got.len(),
                got.first(),
                if batch.bad_lines.is_empty() {
                    String::new()
                } else {
                    format!("; non-JSON lines: {:?}", batch.bad_lines)
                }
            ),
        ));
    }
    let ours = oc::by_path(batch.files);

    for (case, path) in cases.iter().zip(&paths) {
        let exp = expected(version, case);
        assert_eq!(
            exp["python_version"], version,
            "{case}: expected file is for another version"
        );
        let act = ours.get(path.as_str());
        let rejected = exp.get("rejected").map(|r| !r.is_null()).unwrap_or(false);
        if !rejected {
            if let Some(a) = act {
                if a.get("has_syntax_errors").and_then(Value::as_bool) == Some(true) {
                    summary.mismatches.push(mismatch(
                        version,
                        path,
                        "file",
                        "has_syntax_errors",
                        "false (CPython parses it)".into(),
                        "true".into(),
                    ));
                }
            }
            // Exit status of a run on this file alone: 1 iff CPython's symtable raised.
            let single = oc::run_check(bin, &root(), version, std::slice::from_ref(path));
            let want = if exp["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                1
            } else {
                0
            };
            if single.status != Some(want) {
                summary.mismatches.push(mismatch(
                    version,
                    path,
                    "file",
                    "exit status",
                    want.to_string(),
                    format!("{:?}", single.status),
                ));
            }
        }
        oc::compare_file(&exp, act, &mut summary);
    }
    summary
}

#[test]
fn corpus_matches_cpython() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_closure-lens"));
    let cases = cases();
    let mut total = Summary::default();
    for version in VERSIONS {
        let s = check_version(&bin, version, &cases);
        oc::report(&format!("CPython {version}: {}", s.line()));
        total.merge(s);
    }
    let per_version_skips: Vec<String> = total.rejected.clone();
    oc::report(&format!(
        "skipped (CPython rejected the case for that version): {}",
        per_version_skips.len()
    ));
    oc::print_report("corpus total", &total, usize::MAX);
    assert!(
        total.mismatches.is_empty(),
        "{} mismatches with CPython on the corpus (listed above)",
        total.mismatches.len()
    );
}
