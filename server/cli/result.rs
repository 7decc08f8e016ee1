//! What `check` found in one file, as plain serialisable data: the closures a person wants to
//! see and the findings. Every output format renders it; the cache stores it.

use serde::{Deserialize, Serialize};

use crate::analysis::TextRange;
use crate::config::Settings;
use crate::ide::FileView;
use crate::ide::captures::{self, CaptureMode};
use crate::ide::diagnostics::{self, Code, Severity};
use crate::line_index::{Encoding, LineIndex};

/// A 1-based line and 1-based column counted in characters (Unicode code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A start and end [`Position`] (the end is exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// How a closure uses one captured name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureKind {
    /// Read from the enclosing scope's cell (also when declared `nonlocal` but never rebound).
    Read,
    /// Rebound through `nonlocal`.
    NonlocalWrite,
    /// Captured only to hand it on to a closure nested deeper.
    PassThrough,
}

/// One name a closure captures, in `__closure__` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    /// As the source spells it.
    pub name: String,
    pub kind: CaptureKind,
}

/// A code object that closes over names the user wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// `__qualname__`: `make_counter.<locals>.counter`.
    pub qualname: String,
    /// The whole construct.
    pub range: Range,
    pub captures: Vec<Capture>,
    /// What it closes over, worded as the editor's code lens: `nonlocal count from make_counter`.
    pub summary: String,
}

/// Another place a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub range: Range,
    pub message: String,
}

/// One replacement of a fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub range: Range,
    pub new_text: String,
}

/// A way to fix a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    /// Whether `--fix` applies it.
    pub safe: bool,
    pub edits: Vec<Edit>,
}

/// One problem `check` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The code (`late-binding`, `nonlocal-without-binding`).
    pub code: String,
    pub severity: SeverityName,
    pub message: String,
    pub range: Range,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

/// A [`Severity`] as the cache and JSON write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityName {
    Error,
    Warning,
    Information,
    Hint,
}

impl From<Severity> for SeverityName {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => SeverityName::Error,
            Severity::Warning => SeverityName::Warning,
            Severity::Information => SeverityName::Information,
            Severity::Hint => SeverityName::Hint,
        }
    }
}

impl SeverityName {
    /// `error`, `warning`, `information` or `hint`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityName::Error => "error",
            SeverityName::Warning => "warning",
            SeverityName::Information => "information",
            SeverityName::Hint => "hint",
        }
    }
}

impl Finding {
    /// The code, or `None` for one this binary does not know (an old cache entry).
    pub fn code(&self) -> Option<Code> {
        Code::parse(&self.code)
    }

    /// Whether it is one of CPython's SyntaxErrors (listed in the JSON `errors` arrays).
    pub fn is_syntax_error(&self) -> bool {
        self.code().is_some_and(Code::is_syntax_error)
    }
}

/// Where the analysis stopped descending: code nested deeper than `limit` levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TooDeep {
    /// The first construct left out.
    pub range: Range,
    /// The deepest nesting analysed.
    pub limit: u32,
}

/// Everything `check` reports about one file, independent of its path and the output format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileResult {
    /// `"3.11"` … `"3.14"`: whose rules applied.
    pub python_version: String,
    /// Whether the parser found syntax errors (the analysis covers the parts that parsed).
    pub has_syntax_errors: bool,
    /// Code nested too deep to analyse (CPython refuses it too), left out of the analysis.
    pub too_deep: Option<TooDeep>,
    /// Closures over user-visible names, in source order.
    pub closures: Vec<Closure>,
    /// Findings: the SyntaxErrors in the order CPython checks them, then the closure bugs in
    /// source order.
    pub findings: Vec<Finding>,
}

impl FileResult {
    /// Builds the result of one analysed file under `settings` (the diagnostic levels).
    pub fn new(file: &FileView, settings: &Settings) -> Self {
        let lines = file.lines;
        let closures = captures::closures(file)
            .map(|id| {
                let scope = file.analysis.scope(id);
                let caps = captures::captures(file, id);
                Closure {
                    qualname: scope.qualname.clone(),
                    range: range(lines, scope.range),
                    captures: caps
                        .iter()
                        .map(|c| Capture {
                            name: c.display.clone(),
                            kind: match c.mode {
                                CaptureMode::Read => CaptureKind::Read,
                                CaptureMode::NonlocalWrite => CaptureKind::NonlocalWrite,
                                CaptureMode::PassThrough => CaptureKind::PassThrough,
                            },
                        })
                        .collect(),
                    summary: captures::describe(file, &caps),
                }
            })
            .collect();
        let findings = diagnostics::diagnostics(file, settings)
            .into_iter()
            .map(|d| Finding {
                code: d.code.as_str().to_owned(),
                severity: d.severity.into(),
                message: d.message,
                range: range(lines, d.range),
                related: d
                    .related
                    .into_iter()
                    .map(|r| Related {
                        range: range(lines, r.range),
                        message: r.message,
                    })
                    .collect(),
                fixes: d
                    .fixes
                    .into_iter()
                    .map(|f| Fix {
                        title: f.title,
                        safe: f.safe,
                        edits: f
                            .edits
                            .into_iter()
                            .map(|e| Edit {
                                range: range(lines, e.range),
                                new_text: e.new_text,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        FileResult {
            python_version: file.analysis.version.as_str().to_owned(),
            has_syntax_errors: file.analysis.has_syntax_errors(),
            too_deep: file.analysis.too_deep.as_ref().map(|deep| TooDeep {
                range: range(lines, deep.range),
                limit: deep.limit,
            }),
            closures,
            findings,
        }
    }

    /// The findings CPython raises as SyntaxErrors (the JSON `errors` arrays list only these).
    pub fn syntax_errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_syntax_error())
    }
}

/// The 1-based line and character column of a byte offset.
pub fn position(lines: &LineIndex, offset: usize) -> Position {
    let lc = lines.line_col(offset, Encoding::Utf32);
    Position {
        line: lc.line + 1,
        column: lc.col + 1,
    }
}

/// [`position`] of both ends.
pub fn range(lines: &LineIndex, range: TextRange) -> Range {
    Range {
        start: position(lines, range.start),
        end: position(lines, range.end),
    }
}
