//! `json-lines`: one JSON object per file per line,
//! `{"path", "python_version", "has_syntax_errors", "scopes", "errors"}`; the CPython oracle
//! tests read this format, so its bytes do not change.

use std::io::{self, Write};

use serde::Serialize;

use super::{CheckedFile, Printer, Summary};

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
        ",\"has_syntax_errors\":{},\"scopes\":{},\"errors\":",
        file.result.has_syntax_errors,
        file.scopes.unwrap_or("[]")
    )?;
    serde_json::to_writer(&mut *out, &errors)?;
    out.write_all(b"}")
}
