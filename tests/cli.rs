//! `closure-lens check` as scripts and CI use it: exit codes, file handling, output formats.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_closure-lens"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run closure-lens")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

const COUNTER: &str = "def make_counter():\n    count = 0\n\n    def counter():\n        nonlocal count\n        count += 1\n        return count\n\n    return counter\n";
const BROKEN: &str = "def f():\n    def g():\n        nonlocal zz\n    return g\n";

#[test]
fn text_output_names_the_closure_and_its_captures() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "counter.py", COUNTER);
    let out = check(dir.path(), &["counter.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "counter.py:4:5: make_counter.<locals>.counter closes over nonlocal count from make_counter\n\
         checked 1 file: 1 closure, 0 findings\n"
    );
}

#[test]
fn closure_errors_exit_1_with_cpython_message_and_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.py", BROKEN);
    let out = check(dir.path(), &["broken.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "broken.py:3:9: error[nonlocal-without-binding]: no binding for nonlocal 'zz' found\n"
        ),
        "{}",
        stdout(&out)
    );

    let out = check(dir.path(), &["--output-format", "json-lines", "broken.py"]);
    assert_eq!(out.status.code(), Some(1));
    let file: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        file["errors"],
        serde_json::json!([{
            "message": "no binding for nonlocal 'zz' found",
            "line": 3, "column": 9, "end_line": 3, "end_column": 20
        }])
    );
}

#[test]
fn json_lines_have_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "counter.py", COUNTER);
    let out = check(
        dir.path(),
        &[
            "--output-format",
            "json-lines",
            "--python-version",
            "3.12",
            "counter.py",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "one JSON object per file");
    let file: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(file["path"], "counter.py");
    assert_eq!(file["python_version"], "3.12");
    assert_eq!(file["too_deep"], Value::Null);
    let scopes = file["scopes"].as_array().unwrap();
    assert_eq!(scopes[0]["kind"], "module");
    assert_eq!(scopes[0]["parent"], Value::Null);
    let outer = &scopes[1];
    assert_eq!(outer["qualname"], "make_counter");
    assert_eq!(outer["cells"], serde_json::json!(["count"]));
    assert_eq!(outer["cellvars"], serde_json::json!(["count"]));
    assert_eq!(outer["captured_by"], serde_json::json!({"count": [2]}));
    let inner = &scopes[2];
    assert_eq!(inner["qualname"], "make_counter.<locals>.counter");
    assert_eq!(inner["line"], 4);
    assert_eq!(
        inner["range"]["start"],
        serde_json::json!({"line": 4, "column": 5})
    );
    assert_eq!(inner["closure"], serde_json::json!(["count"]));
    assert_eq!(inner["nonlocals"], serde_json::json!(["count"]));
    assert_eq!(inner["captures_from"], serde_json::json!({"count": 1}));
    for key in [
        "params",
        "locals",
        "free",
        "globals_explicit",
        "globals_implicit",
        "pass_through",
    ] {
        assert!(inner.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn directories_are_walked_sorted_and_respect_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "proj/.gitignore", "ignored/\n");
    write(dir.path(), "proj/z.py", COUNTER);
    write(dir.path(), "proj/a.py", "x = 1\n");
    write(dir.path(), "proj/pkg/m.py", "y = 2\n");
    write(dir.path(), "proj/ignored/skip.py", BROKEN);
    write(dir.path(), "proj/notes.txt", "not python");
    let out = check(dir.path(), &["--output-format", "json-lines", "proj"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let paths: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(paths, ["proj/a.py", "proj/pkg/m.py", "proj/z.py"]);

    // The same run twice prints the same bytes.
    let again = check(dir.path(), &["--output-format", "json-lines", "proj"]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn unreadable_files_are_named_on_stderr_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", COUNTER);
    write(dir.path(), "binary.py", b"\x00\x01\x02def f(): pass\n");
    write(dir.path(), "latin.py", b"s = '\xe9t\xe9'\n");
    let out = check(
        dir.path(),
        &["good.py", "binary.py", "latin.py", "missing.py"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("binary.py: binary file"), "{err}");
    assert!(err.contains("latin.py: not valid UTF-8"), "{err}");
    assert!(
        err.contains("missing.py: no such file or directory"),
        "{err}"
    );
    assert!(stdout(&out).contains("good.py:4:5: make_counter.<locals>.counter"));
}

#[test]
fn declared_legacy_encodings_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "latin.py",
        b"# -*- coding: latin-1 -*-\ndef f():\n    \xe9 = 1\n    return lambda: \xe9\n",
    );
    let out = check(
        dir.path(),
        &[
            "--output-format",
            "json-lines",
            "--python-version",
            "3.11",
            "latin.py",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(file["scopes"][2]["closure"], serde_json::json!(["é"]));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &["--python-version", "2.7", "x.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unsupported Python version"));
    let out = check(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn version_changes_the_closure_layout() {
    // PEP 709: a list comprehension is its own scope in 3.11, inlined from 3.12.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "late.py",
        "def late():\n    return [lambda: i for i in range(3)]\n",
    );
    let out = check(dir.path(), &["--python-version", "3.11", "late.py"]);
    assert!(stdout(&out).contains("late.<locals>.<listcomp>.<lambda> closes over i"));
    let out = check(dir.path(), &["--python-version", "3.12", "late.py"]);
    assert!(stdout(&out).contains("late.<locals>.<lambda> closes over i"));
}

#[test]
fn code_nested_deeper_than_cpython_parses_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("def f(a):\n    return lambda: a + {}a\n", "-".repeat(7_000));
    write(dir.path(), "deep.py", &deep);
    let out = check(dir.path(), &["deep.py"]);
    assert_eq!(out.status.code(), Some(0), "a warning, not an error");
    let text = stdout(&out);
    assert!(
        text.contains("deep.py:2:12: f.<locals>.<lambda> closes over a"),
        "{text}"
    );
    assert!(
        text.contains(
            "deep.py:2:6020: warning: not analysed from here: nested more than 6000 levels deep"
        ),
        "{text}"
    );
    let out = check(dir.path(), &["--output-format", "json-lines", "deep.py"]);
    let file: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(file["has_syntax_errors"], false);
    assert_eq!(
        file["too_deep"],
        serde_json::json!({"line": 2, "column": 6020, "end_line": 2, "end_column": 7025, "limit": 6000})
    );
}
