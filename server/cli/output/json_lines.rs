//! `json-lines`: one JSON object per file per line,
//! `{"path", "python_version", "has_syntax_errors", "too_deep", "scopes", "errors",
//! "diagnostics"}`; the
//! CPython oracle tests read this format, so the fields before `diagnostics` do not change.

use std::io::{self, Write};

use serde::Serialize;

use super::{CheckedFile, Printer, Summary};
use crate::cli::result::{Finding, Range};

pub struct JsonLines;

impl Printer for JsonLines {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        write_file_object(out, file)?;
        writeln!(out)
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// A closure-related SyntaxError as the JSON formats list it.
#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

/// Where the analysis stopped: code nested more than `limit` levels deep.
#[derive(Serialize)]
struct JsonTooDeep {
    #[serde(flatten)]
    span: JsonSpan,
    limit: u32,
}

/// Writes the object for one file (no newline); `json` embeds the same objects.
pub fn write_file_object(out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
    let errors: Vec<JsonError<'_>> = file
        .result
        .syntax_errors()
        .map(|f| JsonError {
            message: &f.message,
            line: f.range.start.line,
            column: f.range.start.column,
            end_line: f.range.end.line,
            end_column: f.range.end.column,
        })
        .collect();
    out.write_all(b"{\"path\":")?;
    serde_json::to_writer(&mut *out, file.path)?;
    out.write_all(b",\"python_version\":")?;
    serde_json::to_writer(&mut *out, &file.result.python_version)?;
    write!(
        out,
        ",\"has_syntax_errors\":{},\"too_deep\":",
        file.result.has_syntax_errors
    )?;
    let too_deep = file.result.too_deep.map(|deep| JsonTooDeep {
        span: deep.range.into(),
        limit: deep.limit,
    });
    serde_json::to_writer(&mut *out, &too_deep)?;
    write!(
        out,
        ",\"scopes\":{},\"errors\":",
        file.scopes.unwrap_or("[]")
    )?;
    serde_json::to_writer(&mut *out, &errors)?;
    out.write_all(b",\"diagnostics\":")?;
    let diagnostics: Vec<JsonDiagnostic<'_>> = file
        .result
        .findings
        .iter()
        .filter(|f| !f.is_syntax_error())
        .map(JsonDiagnostic::of)
        .collect();
    serde_json::to_writer(&mut *out, &diagnostics)?;
    out.write_all(b"}")
}

/// A span as the JSON formats write it: 1-based lines and character columns.
#[derive(Serialize)]
pub struct JsonSpan {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl From<Range> for JsonSpan {
    fn from(range: Range) -> Self {
        JsonSpan {
            line: range.start.line,
            column: range.start.column,
            end_line: range.end.line,
            end_column: range.end.column,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    #[serde(flatten)]
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    span: JsonSpan,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

/// A finding with its related locations and fixes, as the JSON formats write it.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    span: JsonSpan,
    related: Vec<JsonRelated<'a>>,
    fixes: Vec<JsonFix<'a>>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn of(finding: &'a Finding) -> Self {
        JsonDiagnostic {
            code: &finding.code,
            severity: finding.severity.as_str(),
            message: &finding.message,
            span: finding.range.into(),
            related: finding
                .related
                .iter()
                .map(|r| JsonRelated {
                    message: &r.message,
                    span: r.range.into(),
                })
                .collect(),
            fixes: finding
                .fixes
                .iter()
                .map(|f| JsonFix {
                    title: &f.title,
                    safe: f.safe,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            span: e.range.into(),
                            new_text: &e.new_text,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
