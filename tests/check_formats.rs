//! `closure-lens check --output-format ...`: every format renders the same findings, with the
//! codes of the rule registry, paths relative to the current directory and a summary.

use closure_lens::ide::diagnostics::Code;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_closure-lens"))
        .arg("check")
        .arg("--no-cache")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run closure-lens")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn write(dir: &Path, path: &str, contents: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

const COUNTER: &str = "def make_counter():\n    count = 0\n\n    def counter():\n        nonlocal count\n        count += 1\n        return count\n\n    return counter\n";
const BROKEN: &str = "def f():\n    def g():\n        nonlocal zz\n    return g\n";

/// A project with one closure and one closure error.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pkg/counter.py", COUNTER);
    write(dir.path(), "pkg/broken.py", BROKEN);
    dir
}

#[test]
fn concise_lists_only_findings_with_their_codes() {
    let dir = project();
    let out = check(dir.path(), &["--output-format", "concise", "pkg"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "pkg/broken.py:3:9: nonlocal-without-binding no binding for nonlocal 'zz' found\n\
         checked 2 files: 1 closure, 1 finding\n"
    );
}

#[test]
fn text_lists_closures_then_findings_with_severity_and_code() {
    let dir = project();
    let out = check(dir.path(), &["pkg"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "pkg/broken.py:3:9: error[nonlocal-without-binding]: no binding for nonlocal 'zz' found\n\
         pkg/counter.py:4:5: make_counter.<locals>.counter closes over nonlocal count from make_counter\n\
         checked 2 files: 1 closure, 1 finding\n"
    );
}

#[test]
fn paths_are_relative_to_the_current_directory() {
    let dir = project();
    let absolute = dir.path().join("pkg").join("broken.py");
    let out = check(
        dir.path(),
        &[
            "--output-format",
            "concise",
            absolute.to_str().unwrap(),
            "./pkg/../pkg/counter.py",
        ],
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("pkg/broken.py:3:9: nonlocal-without-binding"),
        "{text}"
    );
    // Outside the current directory, a path stays as given.
    let out = check(
        &dir.path().join("pkg"),
        &["--output-format", "concise", "../pkg/broken.py"],
    );
    assert!(
        stdout(&out).starts_with("../pkg/broken.py:3:9: nonlocal-without-binding"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn github_prints_one_workflow_command_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "odd, name.py", BROKEN);
    let out = check(dir.path(), &["--output-format", "github", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "::error title=closure-lens (nonlocal-without-binding),file=odd%2C name.py,line=3,col=9,endLine=3,endColumn=20::\
         odd, name.py:3:9: nonlocal-without-binding no binding for nonlocal 'zz' found\n\
         checked 1 file: 0 closures, 1 finding\n"
    );
}

#[test]
fn format_is_an_alias_of_output_format() {
    let dir = project();
    let long = check(dir.path(), &["--output-format", "json-lines", "pkg"]);
    let alias = check(dir.path(), &["--format", "json-lines", "pkg"]);
    assert_eq!(long.stdout, alias.stdout);
    // The last value wins, so pre-commit `args` can override the hook's entry.
    let twice = check(
        dir.path(),
        &[
            "--output-format",
            "concise",
            "--format",
            "json-lines",
            "pkg",
        ],
    );
    assert_eq!(long.stdout, twice.stdout);
}

#[test]
fn json_is_one_document_with_the_json_lines_objects_findings_and_summary() {
    let dir = project();
    let lines = check(dir.path(), &["--output-format", "json-lines", "pkg"]);
    let out = check(dir.path(), &["--output-format", "json", "pkg"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    let objects: Vec<Value> = stdout(&lines)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(doc["files"], Value::Array(objects));
    assert_eq!(
        doc["findings"],
        serde_json::json!([{
            "code": "nonlocal-without-binding", "severity": "error",
            "message": "no binding for nonlocal 'zz' found", "path": "pkg/broken.py",
            "line": 3, "column": 9, "end_line": 3, "end_column": 20,
            "related": [], "fixes": []
        }])
    );
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 2, "closures": 1, "findings": 1, "unreadable": 0})
    );

    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "none.txt", "");
    let out = check(empty.path(), &["--output-format", "json", "."]);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(doc["files"], serde_json::json!([]));
}

#[test]
fn sarif_lists_every_rule_and_points_results_at_relative_uris() {
    let dir = project();
    let out = check(dir.path(), &["--output-format", "sarif", "pkg"]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = Code::all().map(|c| c.as_str()).collect();
    assert_eq!(codes, registry);
    for rule in rules {
        let anchor = rule["id"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!(".md#{anchor}"))
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "nonlocal-without-binding");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "nonlocal-without-binding"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"],
        serde_json::json!({"uri": "pkg/broken.py", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 20})
    );
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
}

#[test]
fn every_rule_is_documented() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for code in Code::all() {
        let uri = code.help_uri();
        let (page, anchor) = uri
            .rsplit_once('/')
            .and_then(|(_, page)| page.split_once('#'))
            .expect("docs/<page>#<anchor>");
        assert_eq!(anchor, code.as_str());
        let text = fs::read_to_string(docs.join(page)).expect("the docs page");
        let heading = format!("\n## {}\n", code.as_str());
        assert!(text.contains(&heading), "docs/{page} lacks {heading:?}");
    }
}

/// Every SyntaxError the engine raises on the corpus (each one CPython raises, for 3.11-3.14)
/// has one of the documented codes.
#[test]
fn every_error_of_the_corpus_has_a_specific_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = std::collections::BTreeSet::new();
    for version in ["3.11", "3.12", "3.13", "3.14"] {
        let out = check(
            root,
            &[
                "--output-format",
                "json",
                "--python-version",
                version,
                "tests/corpus/cases",
            ],
        );
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        for finding in doc["findings"].as_array().unwrap() {
            let code = finding["code"].as_str().unwrap();
            assert!(
                closure_lens::ide::diagnostics::Code::parse(code).is_some(),
                "{finding}"
            );
            seen.insert(finding["code"].as_str().unwrap().to_owned());
        }
    }
    assert!(seen.len() >= 15, "only {seen:?} occur in the corpus");
}

/// The example under each rule in docs/rules.md raises that rule (3.14 rules), and where our
/// 3.11 analysis reports it too, CPython 3.11 (`python3`) raises the same SyntaxError.
#[test]
fn the_documented_examples_raise_their_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = fs::read_to_string(root.join("docs/rules.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for section in docs.split("\n## ").skip(1) {
        let code = section.lines().next().unwrap().trim();
        let Some(example) = section
            .split("```python\n")
            .nth(1)
            .and_then(|s| s.split("```").next())
        else {
            continue;
        };
        let file = format!("{code}.py");
        write(dir.path(), &file, example);
        for version in ["3.14", "3.11"] {
            let out = check(
                dir.path(),
                &[
                    "--output-format",
                    "json",
                    "--python-version",
                    version,
                    &file,
                ],
            );
            let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
            let finding = doc["findings"].as_array().unwrap().first().cloned();
            if version == "3.14" {
                let finding = finding.unwrap_or_else(|| panic!("{code}: no finding"));
                assert_eq!(finding["code"], code, "{example}");
                continue;
            }
            let Some(finding) = finding else { continue };
            let script = "import ast, sys\n\
                src = open(sys.argv[1]).read()\n\
                try:\n    ast.parse(src)\nexcept SyntaxError:\n    sys.exit('unparsed')\n\
                try:\n    compile(src, 'x', 'exec')\nexcept SyntaxError as e:\n    print(e.msg)\n";
            let cpython = Command::new("python3")
                .args(["-c", script])
                .arg(dir.path().join(&file))
                .output()
                .expect("python3 runs");
            if !cpython.status.success() {
                continue; // 3.12+ syntax: CPython 3.11 does not parse it
            }
            assert_eq!(
                String::from_utf8_lossy(&cpython.stdout).trim(),
                finding["message"],
                "{code}: CPython 3.11's SyntaxError"
            );
        }
        checked += 1;
    }
    assert!(checked >= 18, "{checked} examples");
}

/// The `closure-lens check` output shown under each example of docs/diagnostics.md is what it
/// prints for that example, and the last line of the CPython output shown is what `python3`
/// (3.11) prints last when running it: the page cannot drift from the code.
#[test]
fn the_documented_diagnostics_are_what_check_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = Vec::new();
    let mut interpreted = 0;
    for section in docs.split("\n## ").skip(1) {
        let code = section.lines().next().unwrap().trim();
        let Some((example, after)) = section
            .split_once("```python\n")
            .and_then(|(_, s)| s.split_once("```"))
        else {
            continue;
        };
        let shown = after
            .split_once("```console\n$ closure-lens ")
            .and_then(|(_, s)| s.split_once("```"))
            .map(|(block, _)| block)
            .unwrap_or_else(|| panic!("{code}: no `closure-lens check` output under the example"));
        let (command, expected) = shown.split_once('\n').unwrap();
        let args: Vec<&str> = command.split_whitespace().collect();
        let file = args.last().unwrap();
        write(dir.path(), file, example);
        let out = Command::new(env!("CARGO_BIN_EXE_closure-lens"))
            .args(&args)
            .arg("--no-cache")
            .current_dir(dir.path())
            .output()
            .expect("run closure-lens");
        assert_eq!(stdout(&out), expected, "{code}: docs/diagnostics.md");
        assert!(
            expected.contains(&format!(": {code} ")),
            "{code}: {expected}"
        );
        // The interpreter output shown between the example and closure-lens's, if any.
        let between = after.split("closure-lens says").next().unwrap();
        if let Some(cpython) = between
            .split_once("```\n")
            .and_then(|(_, s)| s.split_once("```"))
            .map(|(block, _)| block)
        {
            let run = Command::new("python3")
                .arg(file)
                .current_dir(dir.path())
                .output()
                .expect("python3 runs");
            let printed = format!("{}{}", stdout(&run), String::from_utf8_lossy(&run.stderr));
            assert_eq!(
                printed.trim_end().lines().last(),
                cpython.trim_end().lines().last(),
                "{code}: CPython's output in docs/diagnostics.md"
            );
            interpreted += 1;
        }
        checked.push(code.to_owned());
    }
    assert_eq!(interpreted, 5, "the CPython outputs shown");
    assert_eq!(
        checked.len(),
        Code::all().filter(|c| !c.is_syntax_error()).count(),
        "{checked:?}"
    );
}
