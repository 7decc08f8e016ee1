//! Runs closure-lens and the CPython oracle over a set of files and compares them file by file
//! (`oracle_compare`): the stdlib test and the real-world packages test.
//!
//! The oracle is the machine's `python3` (`tests/oracle/cpython_dump.py`, live, in parallel with
//! closure-lens), or a dump made earlier by CPython 3.12-3.14 in pyodide
//! (`tests/oracle/dump-stdlib.mjs`), named by `CLOSURE_LENS_ORACLE_DUMP`; the comparison then uses
//! that dump's version.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::oracle_compare::{self as oc, Summary};

/// Paths per closure-lens invocation (keeps argv far below the OS limit).
const BATCH: usize = 300;

/// Which files the live oracle dumps.
pub enum Files {
    /// Every `.py` file of python3's standard library.
    Stdlib,
    /// The files listed (one path a line) in this file.
    ListedIn(PathBuf),
}

fn python() -> String {
    std::env::var("CLOSURE_LENS_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn oracle() -> PathBuf {
    root().join("tests/oracle/cpython_dump.py")
}

type Pending = Box<dyn FnOnce() -> String>;

/// The live oracle: the file list first, then the dump in the background. Returns the paths, the
/// version and a handle that yields the oracle's JSON Lines.
fn live_oracle(files: &Files) -> (Vec<String>, String, Pending) {
    let py = python();
    let selection: Vec<String> = match files {
        Files::Stdlib => vec!["--stdlib".into()],
        Files::ListedIn(list) => vec!["--files-from".into(), list.display().to_string()],
    };
    let paths: Vec<String> = match files {
        Files::Stdlib => {
            let list = Command::new(&py)
                .arg(oracle())
                .arg("--list-stdlib")
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "this test needs `{py}` (CPython 3.11-3.14) as the oracle, and it could \
                         not be run: {e}. Install python3 or set CLOSURE_LENS_PYTHON."
                    )
                });
            assert!(
                list.status.success(),
                "{py} {} --list-stdlib failed: {}",
                oracle().display(),
                String::from_utf8_lossy(&list.stderr)
            );
            String::from_utf8_lossy(&list.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        }
        Files::ListedIn(list) => {
            let mut paths: Vec<String> = std::fs::read_to_string(list)
                .unwrap_or_else(|e| panic!("{}: {e}", list.display()))
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            paths.sort(); // the dumper writes in sorted order
            paths
        }
    };
    assert!(paths.len() > 100, "suspiciously few files: {}", paths.len());
    let version_out = Command::new(&py)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .unwrap_or_else(|e| panic!("this test needs `{py}` as the oracle: {e}"));
    let version = String::from_utf8_lossy(&version_out.stdout)
        .trim()
        .to_string();
    assert!(
        ["3.11", "3.12", "3.13", "3.14"].contains(&version.as_str()),
        "{py} is Python {version}; the oracle needs 3.11-3.14"
    );

    // The oracle, in the background (it uses all cores itself).
    let mut dump = Command::new(&py)
        .arg(oracle())
        .args(&selection)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the CPython oracle");
    let mut dump_out = dump.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        dump_out.read_to_string(&mut s).map(|_| s)
    });
    let finish = move || {
        let text = reader.join().unwrap().expect("read the oracle's output");
        let mut err = String::new();
        dump.stderr.take().unwrap().read_to_string(&mut err).ok();
        let status = dump.wait().expect("oracle finished");
        assert!(status.success(), "the CPython oracle failed: {err}");
        text
    };
    (paths, version, Box::new(finish))
}

/// A dump made earlier, e.g. by CPython 3.12-3.14 in pyodide (`tests/oracle/dump-stdlib.mjs`).
fn saved_oracle(file: &str) -> (Vec<String>, String, Pending) {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("CLOSURE_LENS_ORACLE_DUMP={file}: {e}"));
    let (values, bad) = oc::parse_json_lines(&text);
    assert!(bad.is_empty(), "{file}: non-JSON lines: {bad:?}");
    assert!(!values.is_empty(), "{file} is empty");
    let paths: Vec<String> = values
        .iter()
        .map(|v| v["path"].as_str().unwrap_or("?").to_string())
        .collect();
    let version = values[0]["python_version"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    (paths, version, Box::new(move || text))
}

/// Compares closure-lens with CPython on `files`; reports under `title` and fails on any
/// mismatch, except in files tree-sitter cannot parse (`has_syntax_errors`), which are listed.
pub fn compare_with_cpython(title: &str, files: Files) {
    let started = Instant::now();
    let (paths, version, oracle_output) = match std::env::var("CLOSURE_LENS_ORACLE_DUMP") {
        Ok(file) if !file.is_empty() => saved_oracle(&file),
        _ => live_oracle(&files),
    };

    // closure-lens over the same files, in batches (`CLOSURE_LENS_BIN` names another build, to
    // measure it).
    let bin = std::env::var_os("CLOSURE_LENS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_closure-lens")));
    let mut ours: HashMap<String, Value> = HashMap::new();
    let mut run_problems = Vec::new();
    let mut unreadable = Vec::new();
    for chunk in paths.chunks(BATCH) {
        let run = oc::run_check(&bin, &root(), &version, chunk);
        if !matches!(run.status, Some(0) | Some(1)) {
            // Exit 2 with one stderr line per file closure-lens could not read; judged below
            // against what CPython rejected.
            unreadable.push((chunk[0].clone(), run.status, run.stderr.clone()));
        }
        if !run.bad_lines.is_empty() {
            run_problems.push(format!("non-JSON output lines: {:?}", run.bad_lines));
        }
        // `check` names files inside its working directory (the repository) relatively.
        ours.extend(oc::by_path(run.files).into_iter().map(|(path, file)| {
            match Path::new(&path).is_absolute() {
                true => (path, file),
                false => (root().join(&path).display().to_string(), file),
            }
        }));
    }
    let ours_time = started.elapsed();

    let text = oracle_output();
    let (expected, bad) = oc::parse_json_lines(&text);
    assert!(bad.is_empty(), "oracle printed non-JSON lines: {bad:?}");
    assert_eq!(
        expected.len(),
        paths.len(),
        "the oracle dumped a different number of files"
    );

    // Files closure-lens refused (exit 2) must be files CPython rejects too.
    let rejected_by_cpython: HashSet<&str> = expected
        .iter()
        .filter(|e| e.get("rejected").is_some_and(|r| !r.is_null()))
        .filter_map(|e| e["path"].as_str())
        .collect();
    for (first, status, stderr) in &unreadable {
        for line in stderr.lines() {
            let refused = line.strip_prefix("closure-lens: ").and_then(|rest| {
                rejected_by_cpython
                    .iter()
                    .find(|p| rest.starts_with(&format!("{p}: ")))
            });
            if refused.is_none() {
                run_problems.push(format!(
                    "closure-lens exited with {status:?} on a batch starting at {first}: {line}"
                ));
            }
        }
    }

    // Compare.
    let mut summary = Summary::default();
    let mut tolerated = Summary::default();
    let mut unparsed: Vec<String> = Vec::new();
    for exp in &expected {
        let path = exp["path"].as_str().unwrap_or("?").to_string();
        let act = ours.get(&path);
        let ts_errors = act
            .and_then(|a| a.get("has_syntax_errors"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let rejected = exp.get("rejected").is_some_and(|r| !r.is_null());
        if ts_errors && !rejected {
            let mut one = Summary::default();
            oc::compare_file(exp, act, &mut one);
            unparsed.push(format!(
                "{path}: tree-sitter reported syntax errors (CPython parses the file); {} \
                 mismatch(es) not counted{}",
                one.mismatches.len(),
                one.mismatches
                    .first()
                    .map(|m| format!(", first: {} {}", m.location, m.field))
                    .unwrap_or_default()
            ));
            tolerated.merge(one);
        } else {
            oc::compare_file(exp, act, &mut summary);
        }
    }

    oc::report(&format!(
        "{title} (CPython {version}, {} files; closure-lens took {:.1}s, all done in {:.1}s)",
        paths.len(),
        ours_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    ));
    oc::report(&format!(
        "compared: {} files, {} scopes, {} code objects; {} CPython SyntaxErrors; skipped {} \
         (CPython rejected)",
        summary.files_compared,
        summary.scopes_compared,
        summary.code_objects_compared,
        summary.errors_compared,
        summary.rejected.len()
    ));
    for r in &summary.rejected {
        oc::report(&format!("  skipped: {r}"));
    }
    oc::report(&format!(
        "files tree-sitter could not parse (not failures): {}",
        unparsed.len()
    ));
    for u in &unparsed {
        oc::report(&format!("  {u}"));
    }
    for p in &run_problems {
        oc::report(&format!("  run problem: {p}"));
    }
    oc::print_report(title, &summary, 500);
    assert!(
        run_problems.is_empty(),
        "closure-lens did not run cleanly: {run_problems:?}"
    );
    assert!(
        summary.mismatches.is_empty(),
        "{} mismatches with CPython {version} on {title} (listed above)",
        summary.mismatches.len()
    );
}
