//! `json`: one JSON document for the whole run,
//! `{"files": [...], "findings": [...], "summary": {...}}`. `files` holds the `json-lines`
//! objects in path order; `findings` lists every finding with its rule code and path.

use std::io::{self, Write};

use serde::Serialize;

use super::json_lines::{JsonDiagnostic, write_file_object};
use super::{CheckedFile, Printer, Summary};

#[derive(Default)]
pub struct Json {
    files: usize,
    findings: Vec<JsonFinding>,
}

/// A finding with the path of its file.
#[derive(Serialize)]
struct JsonFinding {
    path: String,
    #[serde(flatten)]
    diagnostic: serde_json::Value,
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
            let diagnostic =
                serde_json::to_value(JsonDiagnostic::of(finding)).map_err(io::Error::other)?;
            self.findings.push(JsonFinding {
                path: file.path.to_owned(),
                diagnostic,
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
