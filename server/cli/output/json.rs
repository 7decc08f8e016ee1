//! `json`: one JSON document for the whole run,
//! `{"files": [...], "findings": [...], "summary": {...}}`. `files` holds the `json-lines`
//! objects in path order; `findings` lists every finding with its rule code and path.

use std::io::{self, Write};

use serde::Serialize;

use super::json_lines::write_file_object;
use super::{CheckedFile, Printer, Summary};

#[derive(Default)]
pub struct Json {
    files: usize,
    findings: Vec<JsonFinding>,
}

#[derive(Serialize)]
struct JsonFinding {
    code: String,
    name: &'static str,
    severity: &'static str,
    message: String,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    closures: usize,
    findings: usize,
    unreadable: usize,
}

impl Printer for Json {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        out.write_all(if self.files == 0 {
            b"{\"files\":["
        } else {
            b","
        })?;
        self.files += 1;
        write_file_object(out, file)?;
        for finding in &file.result.findings {
            let rule = finding.rule();
            self.findings.push(JsonFinding {
                code: finding.code.clone(),
                name: rule.name,
                severity: rule.severity.as_str(),
                message: finding.message.clone(),
                path: file.path.to_owned(),
                line: finding.range.start.line,
                column: finding.range.start.column,
                end_line: finding.range.end.line,
                end_column: finding.range.end.column,
            });
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        out.write_all(if self.files == 0 {
            b"{\"files\":["
        } else {
            b""
        })?;
        out.write_all(b"],\"findings\":")?;
        serde_json::to_writer(&mut *out, &self.findings)?;
        out.write_all(b",\"summary\":")?;
        let summary = JsonSummary {
            files: summary.files,
            closures: summary.closures,
            findings: summary.findings,
            unreadable: summary.unreadable,
        };
        serde_json::to_writer(&mut *out, &summary)?;
        out.write_all(b"}\n")
    }
}
