//! `text`: compiler-style lines, one per closure and one per finding, then the summary.

use std::io::{self, Write};

use super::{CheckedFile, Printer, Summary};
use crate::cli::result::{Capture, CaptureKind};

pub struct Text;

impl Printer for Text {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        for closure in &file.result.closures {
            let at = closure.range.start;
            let captures: Vec<String> = closure.captures.iter().map(describe).collect();
            writeln!(
                out,
                "{}:{}:{}: {} closes over {}",
                file.path,
                at.line,
                at.column,
                closure.qualname,
                captures.join(", ")
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
                finding.severity().as_str(),
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

/// `count (nonlocal, written)`, `step`, `fn (pass-through)`.
fn describe(capture: &Capture) -> String {
    let name = &capture.name;
    match capture.kind {
        CaptureKind::Read => name.clone(),
        CaptureKind::Nonlocal => format!("{name} (nonlocal)"),
        CaptureKind::NonlocalWritten => format!("{name} (nonlocal, written)"),
        CaptureKind::PassThrough => format!("{name} (pass-through)"),
    }
}
