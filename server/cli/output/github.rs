//! `github`: GitHub Actions workflow commands, one `::error` (or `::warning`, `::notice`)
//! annotation per finding, then the summary as a plain log line.

use std::io::{self, Write};

use super::{CheckedFile, Printer, Summary};
use crate::cli::result::SeverityName;

pub struct Github;

impl Printer for Github {
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        for finding in &file.result.findings {
            let command = match finding.severity {
                SeverityName::Error => "error",
                SeverityName::Warning => "warning",
                SeverityName::Information | SeverityName::Hint => "notice",
            };
            let (start, end) = (finding.range.start, finding.range.end);
            let title = format!("closure-lens ({})", finding.code);
            writeln!(
                out,
                "::{command} title={},file={},line={},col={},endLine={},endColumn={}::{}",
                escape_property(&title),
                escape_property(file.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_data(&format!(
                    "{}:{}:{}: {} {}",
                    file.path, start.line, start.column, finding.code, finding.message
                )),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}

/// The message of a workflow command: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50%\r\nx: y, z"), "50%25%0D%0Ax: y, z");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
