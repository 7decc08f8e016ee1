//! Rendering one file's analysis as `check` prints it: compiler-style text or a JSON line.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::analysis::{Analysis, Resolution, Scope, Symbol, SymbolFlags, TextRange};
use crate::ide::{self, FileView};
use crate::line_index::{Encoding, LineIndex};

/// One analysed file and what is needed to print it.
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
    pub analysis: Analysis,
}

/// Totals over a `check` run.
#[derive(Default)]
pub struct Summary {
    pub files: usize,
    pub closures: usize,
    pub errors: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.closures += ide::captures::closures(&report.view()).count();
        self.errors += report.analysis.errors.len();
    }

    pub fn write_text(&self, out: &mut impl Write, unreadable: usize) -> io::Result<()> {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            out,
            "checked {}: {}, {}",
            plural(self.files, "file"),
            plural(self.closures, "closure"),
            plural(self.errors, "closure error"),
        )?;
        if unreadable > 0 {
            write!(out, ", {}", plural(unreadable, "unreadable path"))?;
        }
        writeln!(out)
    }
}

/// A 1-based line and 1-based character column.
#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

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

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    python_version: &'static str,
    has_syntax_errors: bool,
    scopes: Vec<JsonScope<'a>>,
    errors: Vec<JsonError<'a>>,
}

fn sorted_names(scope: &Scope, keep: impl Fn(&Symbol) -> bool) -> Vec<&str> {
    let mut names: Vec<&str> = scope
        .symtable()
        .filter(|s| keep(s))
        .map(|s| &*s.name)
        .collect();
    names.sort_unstable();
    names
}

impl FileReport {
    fn position(&self, offset: usize) -> Position {
        let lc = self.lines.line_col(offset, Encoding::Utf32);
        Position {
            line: lc.line + 1,
            column: lc.col + 1,
        }
    }

    fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    /// The file as the `ide` features see it.
    pub fn view(&self) -> FileView<'_> {
        FileView {
            text: &self.text,
            lines: &self.lines,
            analysis: &self.analysis,
        }
    }

    /// Writes the JSON line for this file.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let scopes = self
            .analysis
            .scopes
            .iter()
            .enumerate()
            .map(|(id, scope)| self.json_scope(id as u32, scope))
            .collect();
        let errors = self
            .analysis
            .errors
            .iter()
            .map(|e| {
                let start = self.position(e.range.start);
                let end = self.position(e.range.end);
                JsonError {
                    message: &e.message,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                }
            })
            .collect();
        let file = JsonFile {
            path: &self.path,
            python_version: self.analysis.version.as_str(),
            has_syntax_errors: self.analysis.has_syntax_errors,
            scopes,
            errors,
        };
        serde_json::to_writer(&mut *out, &file)?;
        writeln!(out)
    }

    fn json_scope<'a>(&'a self, id: u32, scope: &'a Scope) -> JsonScope<'a> {
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
            range: self.range(scope.range),
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

    /// Writes compiler-style lines: one per closure, then one per closure error.
    pub fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        let file = self.view();
        for id in ide::captures::closures(&file) {
            let scope = self.analysis.scope(id);
            let at = self.position(scope.range.start);
            let captures = ide::captures::captures(&file, id);
            writeln!(
                out,
                "{}:{}:{}: {} closes over {}",
                self.path,
                at.line,
                at.column,
                scope.qualname,
                ide::captures::describe(&file, &captures)
            )?;
        }
        for error in &self.analysis.errors {
            let at = self.position(error.range.start);
            writeln!(
                out,
                "{}:{}:{}: error: {}",
                self.path, at.line, at.column, error.message
            )?;
        }
        Ok(())
    }
}
