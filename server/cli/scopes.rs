//! The scope table of one file as the JSON formats print it (`scopes` in `json-lines` and
//! `json`): the schema the CPython oracle tests compare field by field.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{Analysis, Resolution, Scope, Symbol, SymbolFlags};
use crate::line_index::LineIndex;

use super::result::{self, Range};

#[derive(Serialize)]
struct JsonScope<'a> {
    id: u32,
    parent: Option<u32>,
    kind: &'static str,
    name: &'a str,
    qualname: &'a str,
    line: u32,
    code_line: u32,
    inlined: bool,
    range: Range,
    params: &'a [String],
    locals: Vec<&'a str>,
    cells: Vec<&'a str>,
    free: Vec<&'a str>,
    globals_explicit: Vec<&'a str>,
    globals_implicit: Vec<&'a str>,
    nonlocals: Vec<&'a str>,
    pass_through: Vec<&'a str>,
    closure: Option<&'a [String]>,
    cellvars: Option<&'a [String]>,
    captured_by: BTreeMap<&'a str, Vec<u32>>,
    captures_from: BTreeMap<&'a str, Option<u32>>,
}

/// The `scopes` array, serialised.
pub fn scopes_json(analysis: &Analysis, lines: &LineIndex) -> String {
    let scopes: Vec<JsonScope<'_>> = analysis
        .scopes
        .iter()
        .enumerate()
        .map(|(id, scope)| json_scope(id as u32, scope, lines))
        .collect();
    serde_json::to_string(&scopes).unwrap_or_else(|_| "[]".to_owned())
}

fn json_scope<'a>(id: u32, scope: &'a Scope, lines: &LineIndex) -> JsonScope<'a> {
    let mut captured_by = BTreeMap::new();
    // Implicit class cells are listed once something captures them, as CPython's symbol
    // table only shows them through the scopes that read them.
    let class_cells = scope.class_cells().filter(|c| !c.captured_by.is_empty());
    for cell in scope.symtable().filter(|s| s.is_cell()).chain(class_cells) {
        captured_by.insert(&*cell.name, cell.captured_by.iter().map(|s| s.0).collect());
    }
    let captures_from = scope
        .symtable()
        .filter(|s| s.in_closure())
        .map(|s| (&*s.name, s.captures_from.map(|o| o.0)))
        .collect();
    JsonScope {
        id,
        parent: scope.parent.map(|p| p.0),
        kind: scope.kind.as_str(),
        name: &scope.name,
        qualname: &scope.qualname,
        line: scope.line,
        code_line: scope.code_line,
        inlined: scope.inlined,
        range: result::range(lines, scope.range),
        params: &scope.params,
        locals: sorted_names(scope, |s| {
            matches!(s.resolution, Resolution::Local | Resolution::Cell)
        }),
        cells: sorted_names(scope, Symbol::is_cell),
        free: sorted_names(scope, Symbol::is_free),
        globals_explicit: sorted_names(scope, |s| s.resolution == Resolution::GlobalExplicit),
        globals_implicit: sorted_names(scope, |s| s.resolution == Resolution::GlobalImplicit),
        nonlocals: sorted_names(scope, |s| s.flags.contains(SymbolFlags::NONLOCAL)),
        pass_through: sorted_names(scope, Symbol::is_pass_through),
        closure: scope.code.as_ref().map(|c| c.freevars.as_slice()),
        cellvars: scope.code.as_ref().map(|c| c.cellvars.as_slice()),
        captured_by,
        captures_from,
    }
}

/// The names of `scope`'s symbol table that `keep` selects, sorted.
fn sorted_names(scope: &Scope, keep: impl Fn(&Symbol) -> bool) -> Vec<&str> {
    let mut names: Vec<&str> = scope
        .symtable()
        .filter(|s| keep(s))
        .map(|s| &*s.name)
        .collect();
    names.sort_unstable();
    names
}
