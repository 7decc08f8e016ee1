//! Compares `closure-lens check --output-format json-lines` output with what CPython itself
//! computed (`tests/oracle/cpython_dump.py`: `symtable.symtable()` plus the code objects of `compile()`).
//!
//! Every field of the schema is compared exactly where CPython can tell its value, field by field
//! (see the dumper's docstring for the expected side):
//!
//! | field | compared with |
//! |---|---|
//! | `path`, `python_version` | the dump's, equal |
//! | `has_syntax_errors` | must be `false` when CPython parses the file (the callers decide what a `true` costs) |
//! | `too_deep` | must be `null` when CPython parses the file: the engine analyses everything CPython's parser accepts |
//! | `errors` | CPython stops at the first SyntaxError: our `errors[0]` must equal it in every field (message, line, column, end line, end column; 1-based character columns); an end position CPython leaves null (`__future__` errors) cannot be compared. No error from CPython: we must report none |
//! | `scopes` | only when CPython's symtable did not raise (it builds no table then). Ours with `inlined: true` are dropped (CPython splices them away, so a wrong `inlined` shows as a missing or extra scope); the rest are paired with CPython's by (name, line, n-th occurrence), which compares `name` and `line` exactly: an unpaired scope on either side is a mismatch |
//! | `id` | pre-order position, equal (the first difference is reported once) |
//! | `parent` | equal, as scope labels (so one missing scope gives one mismatch, not a cascade) |
//! | `kind` | equal |
//! | `params` | equal, in order; by the schema's definition CPython's invented parameters (`.0`, `.defaults`, `.kwdefaults`, `.format`) are not listed |
//! | `locals`, `cells`, `free`, `globals_explicit`, `globals_implicit`, `nonlocals`, `pass_through` | equal as printed (sorted), invented names (`.0`, `.type_params`, …) included |
//! | `captured_by`, `captures_from` | equal maps (scope ids as labels), invented names included |
//! | `closure`, `cellvars`, `qualname`, `code_line` | every CPython code object must be exactly one of our scopes with a non-null `closure`, keyed by (`qualname`, `code_line` = `co_firstlineno`), with `closure` = `co_freevars` and `cellvars` = `co_cellvars` in order. Our code objects CPython's compiler eliminated as dead code (counted as "not compiled by CPython") must belong to a scope of CPython's symbol table, and their `closure` must hold the names that table puts in `co_freevars` (scope FREE or flag DEF_FREE_CLASS); no code object shows their order, `cellvars`, `qualname` or `code_line` |
//! | `inlined` | through the pairing above (3.12+: an inlined comprehension has no symtable scope and no code object) |
//! | `range` | not compared: CPython's symbol table and code objects carry no source ranges |
//!
//! A file CPython rejects (a parse error for that version) is counted and skipped: CPython says
//! nothing about it. 3.14 `from __future__ import annotations` emits `__annotate__` code objects
//! that have no symtable scope (so no scope of ours): when they have no cells or free variables
//! they are counted, not required.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// One difference between CPython and closure-lens.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub path: String,
    pub version: String,
    /// Where: `scope outer.<locals>.f (function 'f' line 3)`, `code object C.m @9`, `errors[0]`, …
    pub location: String,
    pub field: String,
    pub expected: String,
    pub actual: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {}: {}\n      expected (CPython): {}\n      actual (closure-lens): {}",
            self.version, self.path, self.location, self.field, self.expected, self.actual
        )
    }
}

/// Counters over a whole run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Files looked at.
    pub files: usize,
    /// Files CPython rejected for this version (parse error): nothing compared.
    pub rejected: Vec<String>,
    /// Files where CPython's symtable raised and the error was compared.
    pub errors_compared: usize,
    /// Files whose scopes were compared.
    pub files_compared: usize,
    pub scopes_compared: usize,
    pub code_objects_compared: usize,
    /// Our code objects CPython did not emit (e.g. dead code it eliminated): `path: qualname@line`.
    pub not_compiled_by_cpython: Vec<String>,
    /// CPython code objects that have no symtable scope (3.14 future-annotations `__annotate__`).
    pub code_without_scope: Vec<String>,
    /// Files where compile() raised although symtable() did not: code objects not compared.
    pub code_not_compared: Vec<String>,
    pub mismatches: Vec<Mismatch>,
}

impl Summary {
    /// Adds another summary's counts.
    pub fn merge(&mut self, other: Summary) {
        self.files += other.files;
        self.rejected.extend(other.rejected);
        self.errors_compared += other.errors_compared;
        self.files_compared += other.files_compared;
        self.scopes_compared += other.scopes_compared;
        self.code_objects_compared += other.code_objects_compared;
        self.not_compiled_by_cpython
            .extend(other.not_compiled_by_cpython);
        self.code_without_scope.extend(other.code_without_scope);
        self.code_not_compared.extend(other.code_not_compared);
        self.mismatches.extend(other.mismatches);
    }

    /// One line of counts.
    pub fn line(&self) -> String {
        format!(
            "{} files: {} compared ({} scopes, {} code objects), {} CPython SyntaxErrors compared, \
             {} skipped (rejected by CPython), {} code objects not compiled by CPython, \
             {} CPython code objects without a scope, {} files without code objects (compile() \
             failed); {} mismatches",
            self.files,
            self.files_compared,
            self.scopes_compared,
            self.code_objects_compared,
            self.errors_compared,
            self.rejected.len(),
            self.not_compiled_by_cpython.len(),
            self.code_without_scope.len(),
            self.code_not_compared.len(),
            self.mismatches.len()
        )
    }
}

// ------------------------------------------------------------------------------------------
// Running the binary

/// The result of one `closure-lens check --output-format json-lines` run.
pub struct CheckRun {
    pub status: Option<i32>,
    /// One parsed JSON object per stdout line.
    pub files: Vec<Value>,
    pub stderr: String,
    /// Lines of stdout that are not JSON objects (the first few), for diagnostics.
    pub bad_lines: Vec<String>,
}

/// The closure-bug codes (not CPython's SyntaxErrors).
const BUG_CODES: &str =
    "late-binding,unbound-local,free-unbound,class-scope,super-call,unused-declaration";

/// Runs `bin check --output-format json-lines --no-cache --python-version version PATHS...` in `cwd`.
pub fn run_check(bin: &Path, cwd: &Path, version: &str, paths: &[String]) -> CheckRun {
    let output: Output = Command::new(bin)
        .current_dir(cwd)
        .args(["check", "--output-format", "json-lines", "--no-cache"])
        .args(["--python-version", version])
        // CPython's symbol table is the judge here: the closure-bug codes (whose errors would
        // also set the exit status) are off.
        .args(["--ignore", BUG_CODES])
        .args(paths)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (files, bad_lines) = parse_json_lines(&stdout);
    CheckRun {
        status: output.status.code(),
        files,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        bad_lines,
    }
}

/// Parses JSON Lines; returns the objects and (up to 5) lines that did not parse.
pub fn parse_json_lines(text: &str) -> (Vec<Value>, Vec<String>) {
    let mut values = Vec::new();
    let mut bad = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) if v.is_object() => values.push(v),
            Ok(_) | Err(_) => {
                if bad.len() < 5 {
                    let mut l: String = line.chars().take(200).collect();
                    if l.len() < line.len() {
                        l.push('…');
                    }
                    bad.push(l);
                }
            }
        }
    }
    (values, bad)
}

/// Our output objects keyed by their "path".
pub fn by_path(files: Vec<Value>) -> HashMap<String, Value> {
    files
        .into_iter()
        .map(|v| {
            (
                v.get("path")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                v,
            )
        })
        .collect()
}

/// Writes `text` to stderr, unbuffered (test output capture does not see child-style writes, but
/// does see `eprintln!`).
pub fn report(text: &str) {
    eprintln!("{text}");
    let _ = std::io::stderr().flush();
}

// ------------------------------------------------------------------------------------------
// Comparing one file

/// CPython's invented names: `.0`, `.type_params`, `.defaults`, `.format`, …
fn is_invented(name: &str) -> bool {
    name.starts_with('.')
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn str_list(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|a| {
        a.iter()
            .filter_map(|x| x.as_str())
            .map(str::to_string)
            .collect()
    })
}

fn fmt_list(v: &Option<Vec<String>>) -> String {
    match v {
        None => "(missing)".into(),
        Some(v) => format!(
            "[{}]",
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A scope flattened for comparison; ids are replaced by labels.
struct FlatScope<'a> {
    raw: &'a Value,
    id: i64,
    parent: Option<i64>,
    name: String,
    line: i64,
    kind: String,
}

impl<'a> FlatScope<'a> {
    fn new(raw: &'a Value) -> Self {
        FlatScope {
            raw,
            id: raw.get("id").and_then(Value::as_i64).unwrap_or(-1),
            parent: raw.get("parent").and_then(Value::as_i64),
            name: raw
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
            line: raw.get("line").and_then(Value::as_i64).unwrap_or(-1),
            kind: raw
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
        }
    }
}

/// Labels scopes `name@line` (with `#n` for the n-th repeat), stable across both sides.
fn labels(scopes: &[FlatScope]) -> (HashMap<i64, String>, Vec<String>) {
    let mut seen: HashMap<(String, i64), usize> = HashMap::new();
    let mut by_id = HashMap::new();
    let mut in_order = Vec::new();
    for s in scopes {
        let n = seen.entry((s.name.clone(), s.line)).or_insert(0);
        *n += 1;
        let label = if *n == 1 {
            format!("{}@{}", s.name, s.line)
        } else {
            format!("{}@{}#{}", s.name, s.line, n)
        };
        by_id.insert(s.id, label.clone());
        in_order.push(label);
    }
    (by_id, in_order)
}

/// Compares one file. `expected` is the dumper's object, `actual` ours (None: no output for it).
pub fn compare_file(expected: &Value, actual: Option<&Value>, summary: &mut Summary) {
    let path = expected
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let version = expected
        .get("python_version")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    summary.files += 1;
    if let Some(reason) = expected.get("rejected").and_then(Value::as_str) {
        summary.rejected.push(format!("{path}: {reason}"));
        return;
    }
    let mut out = Vec::new();
    let mut push = |location: &str, field: &str, e: String, a: String| {
        out.push(Mismatch {
            path: path.clone(),
            version: version.clone(),
            location: location.to_string(),
            field: field.to_string(),
            expected: e,
            actual: a,
        })
    };
    let Some(actual) = actual else {
        push(
            "file",
            "output",
            "one JSON object for this path".into(),
            "none".into(),
        );
        summary.mismatches.extend(out);
        return;
    };
    if let Some(v) = actual.get("python_version").and_then(Value::as_str) {
        if v != version {
            push("file", "python_version", version.clone(), v.to_string());
        }
    }
    if let Some(deep) = actual.get("too_deep").filter(|d| !d.is_null()) {
        push(
            "file",
            "too_deep",
            "null (CPython parses the file)".into(),
            deep.to_string(),
        );
    }

    // ---- errors
    let exp_errors = expected
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let act_errors = actual
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(e) = exp_errors.first() {
        summary.errors_compared += 1;
        match act_errors.first() {
            None => push(
                "errors[0]",
                "SyntaxError",
                format!("{}", e),
                "no error reported".into(),
            ),
            Some(a) => {
                for field in ["message", "line", "column", "end_line", "end_column"] {
                    let ev = e.get(field).unwrap_or(&Value::Null);
                    if ev.is_null() {
                        continue; // CPython gave no value (e.g. end column of __future__ errors)
                    }
                    let av = a.get(field).unwrap_or(&Value::Null);
                    if ev != av {
                        push(
                            &format!(
                                "errors[0] ({})",
                                show(e.get("message").unwrap_or(&Value::Null))
                            ),
                            field,
                            show(ev),
                            show(av),
                        );
                    }
                }
            }
        }
        summary.mismatches.extend(out);
        return;
    }
    if let Some(a) = act_errors.first() {
        push(
            "errors",
            "SyntaxError",
            "none (CPython's symtable accepts this file)".into(),
            format!("{} error(s), first: {}", act_errors.len(), a),
        );
    }

    // ---- scopes
    summary.files_compared += 1;
    let exp_raw = expected
        .get("scopes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let act_all = actual
        .get("scopes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let exp: Vec<FlatScope> = exp_raw.iter().map(FlatScope::new).collect();
    // Drop inlined comprehensions; their children are re-parented to the nearest kept ancestor.
    let act_every: Vec<FlatScope> = act_all.iter().map(FlatScope::new).collect();
    let inlined: BTreeSet<i64> = act_every
        .iter()
        .filter(|s| {
            s.raw
                .get("inlined")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
        .map(|s| s.id)
        .collect();
    let parent_of: HashMap<i64, Option<i64>> = act_every.iter().map(|s| (s.id, s.parent)).collect();
    let mut act: Vec<FlatScope> = act_every
        .into_iter()
        .filter(|s| !inlined.contains(&s.id))
        .collect();
    for s in &mut act {
        let mut p = s.parent;
        let mut guard = 0;
        while let Some(pid) = p {
            if !inlined.contains(&pid) || guard > 10_000 {
                break;
            }
            p = parent_of.get(&pid).copied().flatten();
            guard += 1;
        }
        s.parent = p;
    }
    let (exp_label, exp_order) = labels(&exp);
    let (mut act_label, act_order) = labels(&act);
    for s in &act_all {
        let id = s.get("id").and_then(Value::as_i64).unwrap_or(-1);
        if inlined.contains(&id) {
            act_label.insert(id, format!("<inlined scope {id}>"));
        }
    }
    let qual_of: HashMap<String, String> = act
        .iter()
        .zip(&act_order)
        .map(|(s, l)| {
            (
                l.clone(),
                s.raw
                    .get("qualname")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let describe = |label: &str, kind: &str| -> String {
        match qual_of.get(label) {
            Some(q) if !q.is_empty() => format!("scope {label} ({kind} {q})"),
            _ => format!("scope {label} ({kind})"),
        }
    };
    if exp.len() != act.len() {
        push(
            "scopes",
            "count (inlined scopes excluded)",
            exp.len().to_string(),
            act.len().to_string(),
        );
    }
    let act_index: HashMap<&str, usize> = act_order
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let mut order_reported = false;
    let mut matched = BTreeSet::new();
    // Our scope id -> CPython's scope and where to report.
    let mut paired: HashMap<i64, (&Value, String)> = HashMap::new();
    for (ei, e) in exp.iter().enumerate() {
        let label = &exp_order[ei];
        let Some(&ai) = act_index.get(label.as_str()) else {
            push(
                &format!("scope {label} ({})", e.kind),
                "presence",
                "this scope".into(),
                "missing".into(),
            );
            continue;
        };
        matched.insert(ai);
        let a = &act[ai];
        summary.scopes_compared += 1;
        let loc = describe(label, &e.kind);
        if ei != ai && !order_reported {
            order_reported = true;
            let window = |order: &[String], at: usize| -> String {
                let lo = at.saturating_sub(2);
                let hi = (at + 3).min(order.len());
                format!(
                    "#{at} in [{}{}{}]",
                    if lo > 0 { "…, " } else { "" },
                    order[lo..hi].join(", "),
                    if hi < order.len() { ", …" } else { "" }
                )
            };
            push(
                &loc,
                "pre-order position (first difference; scope ids are pre-order indices)",
                window(&exp_order, ei),
                window(&act_order, ai),
            );
        }
        if e.kind != a.kind {
            push(&loc, "kind", e.kind.clone(), a.kind.clone());
        }
        let ep = e
            .parent
            .map(|p| exp_label.get(&p).cloned().unwrap_or(format!("#{p}")));
        let ap = a
            .parent
            .map(|p| act_label.get(&p).cloned().unwrap_or(format!("#{p}")));
        if ep != ap {
            push(&loc, "parent", format!("{ep:?}"), format!("{ap:?}"));
        }
        // params: in order, without CPython's invented parameters (the schema does not list them)
        let ev = str_list(e.raw.get("params")).map(|p| {
            p.into_iter()
                .filter(|n| !is_invented(n))
                .collect::<Vec<_>>()
        });
        let av = str_list(a.raw.get("params"));
        if ev != av {
            push(&loc, "params", fmt_list(&ev), fmt_list(&av));
        }
        for field in [
            "locals",
            "cells",
            "free",
            "globals_explicit",
            "globals_implicit",
            "nonlocals",
            "pass_through",
        ] {
            let ev = str_list(e.raw.get(field));
            let av = str_list(a.raw.get(field));
            if ev != av {
                let (ee, aa) = (
                    ev.clone().unwrap_or_default(),
                    av.clone().unwrap_or_default(),
                );
                let missing: Vec<_> = ee.iter().filter(|x| !aa.contains(x)).collect();
                let extra: Vec<_> = aa.iter().filter(|x| !ee.contains(x)).collect();
                push(
                    &loc,
                    field,
                    fmt_list(&ev),
                    format!(
                        "{}   (missing {:?}, extra {:?})",
                        fmt_list(&av),
                        missing,
                        extra
                    ),
                );
            }
        }
        // captured_by: name -> [scope labels]
        let cb = |raw: &Value, lab: &HashMap<i64, String>| -> BTreeMap<String, Vec<String>> {
            let mut m = BTreeMap::new();
            if let Some(obj) = raw.get("captured_by").and_then(Value::as_object) {
                for (k, v) in obj {
                    let mut ids: Vec<String> = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_i64)
                                .map(|i| lab.get(&i).cloned().unwrap_or(format!("#{i}")))
                                .collect()
                        })
                        .unwrap_or_default();
                    ids.sort();
                    m.insert(k.clone(), ids);
                }
            }
            m
        };
        let ecb = cb(e.raw, &exp_label);
        let acb = cb(a.raw, &act_label);
        if ecb != acb {
            push(&loc, "captured_by", format!("{ecb:?}"), format!("{acb:?}"));
        }
        let cf = |raw: &Value, lab: &HashMap<i64, String>| -> BTreeMap<String, String> {
            let mut m = BTreeMap::new();
            if let Some(obj) = raw.get("captures_from").and_then(Value::as_object) {
                for (k, v) in obj {
                    let l = match v.as_i64() {
                        Some(i) => lab.get(&i).cloned().unwrap_or(format!("#{i}")),
                        None => "null".into(),
                    };
                    m.insert(k.clone(), l);
                }
            }
            m
        };
        let ecf = cf(e.raw, &exp_label);
        let acf = cf(a.raw, &act_label);
        if ecf != acf {
            push(
                &loc,
                "captures_from",
                format!("{ecf:?}"),
                format!("{acf:?}"),
            );
        }
        paired.insert(a.id, (e.raw, loc));
    }
    for (ai, a) in act.iter().enumerate() {
        if !matched.contains(&ai) {
            push(
                &describe(&act_order[ai], &a.kind),
                "presence",
                "no such scope in CPython's symtable".into(),
                "extra scope".into(),
            );
        }
    }

    // ---- code objects
    match expected.get("code").and_then(Value::as_array) {
        None => summary.code_not_compared.push(path.clone()),
        Some(exp_code) => {
            // Our code objects: scope id, co_freevars, co_cellvars.
            type Code = (i64, Vec<String>, Vec<String>);
            let mut ours: BTreeMap<(String, i64), Vec<Code>> = BTreeMap::new();
            for s in &act_all {
                let (Some(closure), Some(cellvars)) = (s.get("closure"), s.get("cellvars")) else {
                    continue;
                };
                if closure.is_null() {
                    continue;
                }
                let q = s
                    .get("qualname")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let line = s.get("code_line").and_then(Value::as_i64).unwrap_or(-1);
                let id = s.get("id").and_then(Value::as_i64).unwrap_or(-1);
                ours.entry((q, line)).or_default().push((
                    id,
                    str_list(Some(closure)).unwrap_or_default(),
                    str_list(Some(cellvars)).unwrap_or_default(),
                ));
            }
            let future = expected
                .get("future_annotations")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            for c in exp_code {
                let q = c
                    .get("qualname")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let line = c.get("firstlineno").and_then(Value::as_i64).unwrap_or(-1);
                let fv = str_list(c.get("freevars")).unwrap_or_default();
                let cv = str_list(c.get("cellvars")).unwrap_or_default();
                let loc = format!("code object {q} (first line {line})");
                let candidates = ours.get_mut(&(q.clone(), line));
                let Some(cands) = candidates.filter(|c| !c.is_empty()) else {
                    let name = c.get("name").and_then(Value::as_str).unwrap_or("");
                    if future && name == "__annotate__" && fv.is_empty() && cv.is_empty() {
                        summary
                            .code_without_scope
                            .push(format!("{path}: {q}@{line}"));
                        continue;
                    }
                    summary.code_objects_compared += 1;
                    let near: Vec<String> = ours
                        .keys()
                        .filter(|(oq, ol)| *oq == q || *ol == line)
                        .map(|(oq, ol)| format!("{oq}@{ol}"))
                        .collect();
                    push(
                        &loc,
                        "presence",
                        format!("freevars {fv:?}, cellvars {cv:?}"),
                        if near.is_empty() {
                            "missing (no scope with this qualname and code_line)".into()
                        } else {
                            format!(
                                "missing; ours with the same qualname or line: {}",
                                near.join(", ")
                            )
                        },
                    );
                    continue;
                };
                summary.code_objects_compared += 1;
                let idx = cands
                    .iter()
                    .position(|(_, f, c)| *f == fv && *c == cv)
                    .unwrap_or(0);
                let (_, afv, acv) = cands.remove(idx);
                if afv != fv {
                    push(
                        &loc,
                        "co_freevars (closure)",
                        format!("{fv:?}"),
                        format!("{afv:?}"),
                    );
                }
                if acv != cv {
                    push(
                        &loc,
                        "co_cellvars (cellvars)",
                        format!("{cv:?}"),
                        format!("{acv:?}"),
                    );
                }
            }
            // Code objects CPython's compiler eliminated (dead code): no code object shows their
            // co_freevars, but the symbol table still names them.
            for ((q, line), rest) in ours {
                for (id, closure, _) in rest {
                    summary
                        .not_compiled_by_cpython
                        .push(format!("{path}: {q}@{line}"));
                    let Some((scope, loc)) = paired.get(&id) else {
                        continue; // an extra scope: reported above
                    };
                    // The compiler, not the symbol table, decides whether a class's
                    // `__annotate__` reads `__conditional_annotations__` (3.14): with no code
                    // object, nothing shows it; it is left out on both sides.
                    let known = |n: &String| n != "__conditional_annotations__";
                    let mut names: Vec<String> = closure.into_iter().filter(known).collect();
                    names.sort();
                    let expected = str_list(scope.get("closure_names"))
                        .map(|e| e.into_iter().filter(known).collect::<Vec<_>>());
                    if expected.as_ref() != Some(&names) {
                        push(
                            loc,
                            "closure, as a set (no code object: CPython eliminated it as dead \
                             code; the symbol table's co_freevars names)",
                            fmt_list(&expected),
                            fmt_list(&Some(names)),
                        );
                    }
                }
            }
        }
    }
    summary.mismatches.extend(out);
}

/// Prints the summary, then up to `limit` mismatches (in file order); when there are more, all of
/// them are also written to `$CARGO_TARGET_TMPDIR/<title>-mismatches.txt`.
pub fn print_report(title: &str, summary: &Summary, limit: usize) {
    let mut text = String::new();
    text.push_str(&format!("{title}: {}\n", summary.line()));
    if !summary.not_compiled_by_cpython.is_empty() {
        text.push_str(&format!(
            "  not compiled by CPython (ours only; not failures): {}{}\n",
            summary
                .not_compiled_by_cpython
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("; "),
            if summary.not_compiled_by_cpython.len() > 10 {
                "; …"
            } else {
                ""
            }
        ));
    }
    let all: String = summary
        .mismatches
        .iter()
        .map(|m| format!("  {m}\n"))
        .collect();
    let mut saved = None;
    if summary.mismatches.len() > limit {
        // Too many for the console: all of them go to a file, the first `limit` to stderr.
        let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-mismatches.txt", title.replace(' ', "-")));
        if std::fs::write(&file, &all).is_ok() {
            saved = Some(file);
        }
    }
    for (i, m) in summary.mismatches.iter().enumerate() {
        if i == limit {
            text.push_str(&format!(
                "  … and {} more mismatches{}\n",
                summary.mismatches.len() - limit,
                saved
                    .as_ref()
                    .map(|f| format!(" (all {} in {})", summary.mismatches.len(), f.display()))
                    .unwrap_or_default()
            ));
            break;
        }
        text.push_str(&format!("  {m}\n"));
    }
    report(&text);
}
