//! The `check` cache (`.closure-lens-cache/` in the current directory): results are reused only
//! for the same text, settings and binary, and `--no-cache` neither reads nor writes it.
//!
//! To see whether a result came from the cache, the tests plant a recognisable result in the
//! cache entries and look for it in the output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_closure-lens");
const COUNTER: &str = "def make_counter():\n    count = 0\n\n    def counter():\n        nonlocal count\n        count += 1\n        return count\n\n    return counter\n";

fn check_with(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run closure-lens")
}

fn check(dir: &Path, args: &[&str]) -> Output {
    check_with(Path::new(BIN), dir, args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The result files (`<key>.json`) and scope tables (`<key>.scopes.json`) in the cache.
fn entries(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut results = Vec::new();
    let mut scopes = Vec::new();
    let Ok(engines) = fs::read_dir(dir.join(".closure-lens-cache")) else {
        return (results, scopes);
    };
    for engine in engines.flatten().filter(|e| e.path().is_dir()) {
        for entry in fs::read_dir(engine.path()).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".scopes.json") {
                scopes.push(path);
            } else if name.ends_with(".json") {
                results.push(path);
            }
        }
    }
    (results, scopes)
}

/// Rewrites every cached result so that its closure is called `planted`.
fn plant(dir: &Path) {
    let (results, _) = entries(dir);
    assert!(!results.is_empty(), "nothing cached");
    for path in results {
        let text = fs::read_to_string(&path).unwrap();
        let planted = text.replace("make_counter.<locals>.counter", "planted");
        assert_ne!(text, planted);
        fs::write(&path, planted).unwrap();
    }
}

#[test]
fn a_second_run_reads_the_cache_which_git_ignores() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    let first = check(dir.path(), &["a.py"]);
    assert!(stdout(&first).contains("make_counter.<locals>.counter closes over nonlocal count"));
    let cache = dir.path().join(".closure-lens-cache");
    assert_eq!(
        fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(
        fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: ")
    );
    let (results, scopes) = entries(dir.path());
    assert_eq!(
        (results.len(), scopes.len()),
        (1, 0),
        "text needs no scope table"
    );

    plant(dir.path());
    let second = check(dir.path(), &["a.py"]);
    assert!(
        stdout(&second).contains("planted closes over nonlocal count"),
        "{}",
        stdout(&second)
    );
    // git sees nothing of it.
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status();
    if status.is_ok_and(|s| s.success()) {
        let git = Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=all"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(stdout(&git), "?? a.py\n");
    }
}

#[test]
fn changed_text_or_settings_miss_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    check(dir.path(), &["a.py"]);
    plant(dir.path());
    // Another Python version is another key.
    let other = check(dir.path(), &["--python-version", "3.11", "a.py"]);
    assert!(
        stdout(&other).contains("make_counter.<locals>.counter"),
        "{}",
        stdout(&other)
    );
    // So is one more byte of text.
    fs::write(dir.path().join("a.py"), format!("{COUNTER}\n")).unwrap();
    let edited = check(dir.path(), &["a.py"]);
    assert!(
        stdout(&edited).contains("make_counter.<locals>.counter"),
        "{}",
        stdout(&edited)
    );
    // The same text under another name is the same key.
    fs::write(dir.path().join("b.py"), COUNTER).unwrap();
    let renamed = check(dir.path(), &["b.py"]);
    assert!(
        stdout(&renamed).contains("b.py:4:5: planted"),
        "{}",
        stdout(&renamed)
    );
}

#[test]
fn another_binary_never_reads_this_ones_results() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    check(dir.path(), &["a.py"]);
    plant(dir.path());
    // A copy of the binary is another file: a rebuilt or reinstalled engine is never trusted
    // with results it did not compute.
    let copy = dir.path().join("closure-lens-copy");
    fs::copy(BIN, &copy).unwrap();
    let out = check_with(&copy, dir.path(), &["a.py"]);
    assert!(
        stdout(&out).contains("make_counter.<locals>.counter"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    check(dir.path(), &["--no-cache", "a.py"]);
    assert!(!dir.path().join(".closure-lens-cache").exists());
    check(dir.path(), &["a.py"]);
    plant(dir.path());
    let out = check(dir.path(), &["--no-cache", "a.py"]);
    assert!(
        stdout(&out).contains("make_counter.<locals>.counter"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_formats_add_the_scope_table_and_print_the_same_bytes_warm() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    fs::write(
        dir.path().join("b.py"),
        "def f():\n    def g():\n        nonlocal zz\n",
    )
    .unwrap();
    let uncached = check(
        dir.path(),
        &["--no-cache", "--output-format", "json-lines", "."],
    );
    check(dir.path(), &["."]); // results without scope tables
    let cold = check(dir.path(), &["--output-format", "json-lines", "."]);
    assert_eq!(
        entries(dir.path()).1.len(),
        2,
        "scope tables are cached once asked for"
    );
    let warm = check(dir.path(), &["--output-format", "json-lines", "."]);
    assert_eq!(stdout(&cold), stdout(&uncached));
    assert_eq!(stdout(&warm), stdout(&uncached));
    assert_eq!(warm.status.code(), Some(1));
}

#[test]
fn an_unwritable_directory_only_disables_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), COUNTER).unwrap();
    // A file where the cache folder would go.
    fs::write(dir.path().join(".closure-lens-cache"), "").unwrap();
    let out = check(dir.path(), &["a.py"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("make_counter.<locals>.counter"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not caching results"));
}
