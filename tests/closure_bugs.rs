//! The closure-bug corpus (`tests/closure_bugs/`, issue 8) stays true to CPython.
//!
//! Its labels are produced by running every case under the interpreter; these tests run the
//! machine's `python3` (3.11 in CI; `CLOSURE_LENS_PYTHON` overrides) to check that the committed
//! labels of that version equal a fresh run, and that the fix verifier accepts the hand-made good
//! fixes and rejects the broken ones. closure-lens itself is not involved (yet).

use std::path::PathBuf;
use std::process::Command;

fn python() -> String {
    std::env::var("CLOSURE_LENS_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Runs `tests/closure_bugs/SCRIPT` and fails with its output unless it exits 0.
fn run(script: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/closure_bugs")
        .join(script);
    let py = python();
    let out = Command::new(&py)
        .arg(&path)
        .env("PYTHONHASHSEED", "0")
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs `{py}` (CPython 3.11) and it could not run: {e}")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        path.display(),
        out.status
    );
    println!("{}", stdout.trim_end());
}

#[test]
fn labels_equal_a_fresh_run_of_cpython() {
    run("check_labels.py");
}

#[test]
fn fix_verifier_accepts_good_fixes_and_rejects_broken_ones() {
    run("check_fixes.py");
}
