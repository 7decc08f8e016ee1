//! `text`: compiler-style lines, one per closure and one per finding (and where code nested too
//! deep was left out), then the summary.

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
        if let Some(deep) = &file.result.too_deep {
            let at = deep.range.start;
            writeln!(
                out,
                "{}:{}:{}: warning: not analysed from here: nested more than {} levels deep \
                 (CPython's parser refuses such code as too complex)",
                file.path, at.line, at.column, deep.limit
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}
