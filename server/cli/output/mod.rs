//! The output formats of `check`, one module each. A [`Printer`] receives the checked files in
//! path order, then the [`Summary`]; all of them render the same [`FileResult`].

mod concise;
mod github;
mod json;
mod json_lines;
mod sarif;
mod text;

use std::io::{self, Write};
use std::path::Path;

use super::result::FileResult;

/// `--output-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Every closure and every finding, one line each, then a summary line.
    #[default]
    Text,
    /// Only the findings, one line each (`path:line:col: CODE message`), then a summary line.
    Concise,
    /// One JSON document for the whole run: the `json-lines` objects, the findings with their
    /// codes, and the summary.
    Json,
    /// One JSON object per file per line, with its scope table.
    JsonLines,
    /// GitHub Actions workflow commands: an annotation per finding, then a summary line.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

impl OutputFormat {
    /// Whether the format prints the scope table (the cache keeps it apart, as it is large).
    pub fn needs_scopes(self) -> bool {
        matches!(self, Self::Json | Self::JsonLines)
    }
}

/// One checked file, as the printers see it.
pub struct CheckedFile<'a> {
    /// Relative to the current directory when it is inside it, else as given.
    pub path: &'a str,
    pub result: &'a FileResult,
    /// The serialised scope table, present when the format [needs it](OutputFormat::needs_scopes).
    pub scopes: Option<&'a str>,
}

/// Totals over a `check` run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub closures: usize,
    pub findings: usize,
    /// Findings of severity `error` (they make the exit status 1).
    pub errors: usize,
    /// Paths that could not be found, walked or read.
    pub unreadable: usize,
    /// Files with safe fixes shown by `--diff`.
    pub fixable: usize,
}

impl Summary {
    /// Counts one file.
    pub fn add(&mut self, result: &FileResult) {
        self.files += 1;
        self.closures += result.closures.len();
        self.findings += result.findings.len();
        self.errors += result
            .findings
            .iter()
            .filter(|f| f.severity == super::result::SeverityName::Error)
            .count();
    }

    /// `checked 3 files: 7 closures, 2 findings` (and the unreadable paths, if any).
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "checked {}: {}, {}",
            plural(self.files, "file"),
            plural(self.closures, "closure"),
            plural(self.findings, "finding"),
        );
        if self.unreadable > 0 {
            line += &format!(", {}", plural(self.unreadable, "unreadable path"));
        }
        line
    }
}

/// Renders a run in one format.
pub trait Printer {
    /// Prints (or collects) one file; files arrive in path order.
    fn file(&mut self, out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()>;
    /// Prints what comes after the last file.
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// The printer for `format`; `cwd` is what relative paths are relative to.
pub fn printer(format: OutputFormat, cwd: &Path) -> Box<dyn Printer> {
    match format {
        OutputFormat::Text => Box::new(text::Text),
        OutputFormat::Concise => Box::new(concise::Concise),
        OutputFormat::Json => Box::new(json::Json::default()),
        OutputFormat::JsonLines => Box::new(json_lines::JsonLines),
        OutputFormat::Github => Box::new(github::Github),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(cwd)),
    }
}
