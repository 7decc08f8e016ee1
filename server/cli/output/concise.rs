//! `concise`: one line per finding (`path:line:col: CODE message`), then the summary.

use std::io::{self, Write};

use super::{CheckedFile, Printer, Summary};

pub struct Concise;

impl Printer for Concise {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        for finding in &file.result.findings {
            let at = finding.range.start;
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                file.path, at.line, at.column, finding.code, finding.message
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}
