//! closure-lens against the interpreter's own view of its whole standard library.
//!
//! Runs `python3 tests/oracle/cpython_dump.py --stdlib` (the oracle: symtable + code objects of
//! every stdlib `.py`, absolute paths) and
//! `closure-lens check --output-format json-lines --python-version V` over the same files
//! (V = python3's version, normally 3.11), then compares file by file.
//! Fails on any mismatch, except in files our output marks `"has_syntax_errors": true`
//! (tree-sitter could not parse them), which are listed instead. `python3` is required.
//!
//! Other versions (manual, not CI): dump the same files with CPython 3.12-3.14 in pyodide
//! (`node tests/oracle/dump-stdlib.mjs --version 3.14 --out F`) and run this test with
//! `CLOSURE_LENS_ORACLE_DUMP=F`; it then compares against that dump with that version.

mod common;

use common::oracle_run::{Files, compare_with_cpython};

#[test]
fn stdlib_matches_cpython() {
    compare_with_cpython("stdlib", Files::Stdlib);
}
