//! What `check` found in one file, as plain serialisable data: the closures a person wants to
//! see and the findings. Every output format renders it; the cache stores it.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, Scope, ScopeKind, SymbolFlags, TextRange};
use crate::line_index::{Encoding, LineIndex};

use super::rules::{self, Rule, Severity};

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
    /// Read from the enclosing scope's cell.
    Read,
    /// Declared `nonlocal`, only read.
    Nonlocal,
    /// Declared `nonlocal` and rebound.
    NonlocalWritten,
    /// Captured only to hand it on to a closure nested deeper.
    PassThrough,
}

/// One name a closure captures, in `__closure__` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    pub name: String,
    pub kind: CaptureKind,
}

/// A function, lambda or comprehension that closes over names the user wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// `__qualname__`: `make_counter.<locals>.counter`.
    pub qualname: String,
    /// The whole construct.
    pub range: Range,
    pub captures: Vec<Capture>,
}

/// One problem `check` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's code in [`rules::RULES`].
    pub code: String,
    pub message: String,
    pub range: Range,
}

impl Finding {
    /// The rule this finding belongs to (`CL000` for a code this binary does not know).
    pub fn rule(&self) -> &'static Rule {
        rules::rule(&self.code).unwrap_or(&rules::RULES[0])
    }

    pub fn severity(&self) -> Severity {
        self.rule().severity
    }
}

/// Everything `check` reports about one file, independent of its path and the output format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileResult {
    /// `"3.11"` … `"3.14"`: whose rules applied.
    pub python_version: String,
    /// Whether the parser found syntax errors (the analysis covers the parts that parsed).
    pub has_syntax_errors: bool,
    /// Closures over user-visible names, in source order.
    pub closures: Vec<Closure>,
    /// Findings, CPython's SyntaxErrors first in the order CPython checks them.
    pub findings: Vec<Finding>,
}

impl FileResult {
    /// Builds the result of one analysed text.
    pub fn new(analysis: &Analysis, lines: &LineIndex) -> Self {
        let closures = analysis
            .scopes
            .iter()
            .filter(|s| is_closure(s))
            .map(|scope| Closure {
                qualname: scope.qualname.clone(),
                range: range(lines, scope.range),
                captures: scope
                    .code
                    .iter()
                    .flat_map(|c| &c.freevars)
                    .filter(|n| is_user_name(n))
                    .map(|name| Capture {
                        name: name.clone(),
                        kind: capture_kind(scope, name),
                    })
                    .collect(),
            })
            .collect();
        let findings = analysis
            .errors
            .iter()
            .map(|error| Finding {
                code: rules::rule_for_syntax_error(&error.message).code.to_owned(),
                message: error.message.clone(),
                range: range(lines, error.range),
            })
            .collect();
        FileResult {
            python_version: analysis.version.as_str().to_owned(),
            has_syntax_errors: analysis.has_syntax_errors,
            closures,
            findings,
        }
    }

    /// The findings CPython raises as SyntaxErrors (the JSON `errors` arrays list only these).
    pub fn syntax_errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.rule().is_syntax_error())
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

/// Scopes a person cares about: code objects that close over user-visible names.
fn is_closure(scope: &Scope) -> bool {
    !matches!(scope.kind, ScopeKind::Annotation | ScopeKind::TypeParams)
        && scope
            .code
            .as_ref()
            .is_some_and(|c| c.freevars.iter().any(|n| is_user_name(n)))
}

/// Names the user wrote, as opposed to the ones CPython invents (`.type_params`, `__classdict__`).
fn is_user_name(name: &str) -> bool {
    !name.starts_with('.') && name != "__classdict__" && name != "__conditional_annotations__"
}

fn capture_kind(scope: &Scope, name: &str) -> CaptureKind {
    let Some(symbol) = scope.symbol(name) else {
        return CaptureKind::Read;
    };
    if symbol.is_pass_through() {
        CaptureKind::PassThrough
    } else if !symbol.flags.contains(SymbolFlags::NONLOCAL) {
        CaptureKind::Read
    } else if symbol.flags.contains(SymbolFlags::LOCAL) {
        CaptureKind::NonlocalWritten
    } else {
        CaptureKind::Nonlocal
    }
}
