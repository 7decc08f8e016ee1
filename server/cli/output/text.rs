//! `text`: compiler-style lines, one per closure and one per finding, then the summary.

use std::io::{self, Write};

use super::{CheckedFile, Printer, Summary};

pub struct Text;

impl Printer for Text {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        for closure in &file.result.closures {
            let at = closure.range.start;
            writeln!(
                out,
                "{}:{}:{}: {} closes over {}",
                file.path, at.line, at.column, closure.qualname, closure.summary
            )?;
        }
        for finding in &file.result.findings {
            let at = finding.range.start;
            writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                file.path,
                at.line,
                at.column,
                finding.severity.as_str(),
                finding.code,
                finding.message
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}
