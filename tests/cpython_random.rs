//! closure-lens against CPython on random closure-heavy programs.
//!
//! `tests/oracle/random_programs.py` writes small modules of nested functions, classes, lambdas
//! and comprehensions sharing a few names (with `global`/`nonlocal`, walrus targets, `super()`,
//! private names, annotations, `match`, imports; some with a SyntaxError CPython's symbol table
//! raises). The machine's `python3` dumps what it computes for each (`cpython_dump.py`, the
//! oracle) and `closure-lens check` must say the same (`common::oracle_run`): scopes, symbols,
//! cells and free variables, code objects, errors.
//!
//! `CLOSURE_LENS_RANDOM_SEED=S` and `CLOSURE_LENS_RANDOM_COUNT=N` pick other programs (default
//! seed 1, 300 programs). Other versions (manual): generate with `--version 3.14 --out DIR`, dump
//! DIR with `node tests/oracle/dump-stdlib.mjs --version 3.14 --root DIR --out F`, and run this
//! test with `CLOSURE_LENS_ORACLE_DUMP=F`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::oracle_run::{Files, compare_with_cpython};

fn from_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_programs_match_cpython() {
    let seed = from_env("CLOSURE_LENS_RANDOM_SEED", 1);
    let count = from_env("CLOSURE_LENS_RANDOM_COUNT", 300);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let generator =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random_programs.py");
    let python = std::env::var("CLOSURE_LENS_PYTHON").unwrap_or_else(|_| "python3".into());
    let made = Command::new(&python)
        .arg(&generator)
        .args(["--seed", &seed.to_string(), "--count", &count.to_string()])
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("this test needs `{python}` to write the programs: {e}"));
    assert!(
        made.status.success(),
        "random_programs.py failed: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let mut paths: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths.len() as u64, count, "programs written");
    let list = dir.path().join("files.txt");
    std::fs::write(&list, paths.join("\n")).unwrap();
    compare_with_cpython("random programs", Files::ListedIn(list));
}
