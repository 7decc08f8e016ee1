//! The committed list of builtin names for 3.11 is CPython 3.11's own (`dir(builtins)`).

use std::process::Command;

use closure_lens::analysis::{PythonVersion, builtins};

#[test]
fn builtins_of_311_match_the_interpreter() {
    let out = Command::new("python3")
        .arg("tests/oracle/builtins.py")
        .output()
        .expect("python3 (3.11) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_cpython = String::from_utf8(out.stdout).unwrap();
    let ours: Vec<&str> = builtins::names(PythonVersion::Py311).collect();
    assert_eq!(from_cpython.lines().collect::<Vec<_>>(), ours);
}
