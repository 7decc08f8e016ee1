//! closure-lens against CPython on real-world code: every `.py` file of the popular pure-Python
//! packages pinned in `tests/packages/packages.txt`, downloaded from PyPI into `.cache/packages/`
//! by `tests/packages/fetch`, compared file by file like the stdlib (`tests/cpython_stdlib.rs`)
//! with the machine's `python3` (3.11) as the oracle.
//!
//! Other versions (manual, not CI): `tests/packages/compare-pyodide` dumps the same files with
//! CPython 3.12-3.14 in pyodide and runs this test against each dump
//! (`CLOSURE_LENS_ORACLE_DUMP`).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::oracle_run::{Files, compare_with_cpython};

#[test]
fn packages_match_cpython() {
    let fetch = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/packages/fetch");
    let out = Command::new("bash")
        .arg(&fetch)
        .output()
        .expect("run tests/packages/fetch");
    assert!(
        out.status.success(),
        "tests/packages/fetch failed (it downloads the pinned packages from PyPI): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    compare_with_cpython("packages", Files::ListedIn(list));
}
