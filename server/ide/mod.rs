//! The editor features, without a protocol: each is a function of one file (its text, line index
//! and [`Analysis`]) and the settings, returning plain data with byte ranges and strings. The
//! language server (`lsp/`) converts the results to LSP; the CLI (`cli/`) prints them. One file
//! per feature; wording that several features share lives in [`captures`].

pub mod captures;
pub mod code_lens;
pub mod decorators;
pub mod definition;
pub mod diagnostics;
pub mod highlights;
pub mod hover;
pub mod inlay_hints;
pub mod references;
pub mod rename;
pub mod semantic_tokens;

#[cfg(test)]
pub(crate) mod fixture;

use crate::analysis::names::demangle;
use crate::analysis::{Analysis, ScopeId, ScopeKind, TextRange};
use crate::line_index::{Encoding, LineIndex};

/// One version of one file, as every feature sees it.
#[derive(Clone, Copy)]
pub struct FileView<'a> {
    /// The source text.
    pub text: &'a str,
    /// Line starts of `text`.
    pub lines: &'a LineIndex,
    /// The analysis of `text`.
    pub analysis: &'a Analysis,
}

impl<'a> FileView<'a> {
    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.lines.line_col(offset, Encoding::Utf8).line + 1
    }

    /// The source text of `range` (empty if the range is not valid for the text).
    pub fn text(&self, range: TextRange) -> &'a str {
        self.text.get(range.start..range.end).unwrap_or("")
    }

    /// The trimmed source line holding `offset`.
    pub fn line_text(&self, offset: usize) -> &'a str {
        let line = self.line(offset) - 1;
        self.text(TextRange::new(
            self.lines.line_start(line),
            self.lines.line_end(line),
        ))
        .trim()
    }

    /// A short name for a scope, as a reader calls it: `increment`, `<lambda>`, `<genexpr>`, `C`.
    pub fn scope_name(&self, id: ScopeId) -> String {
        let scope = self.analysis.scope(id);
        match scope.kind {
            ScopeKind::Module => return "<module>".into(),
            // As CPython names their code objects (3.12+ inlines them, but they are still there).
            kind if kind.is_comprehension() => return format!("<{}>", scope.name),
            _ => {}
        }
        match scope.qualname.rsplit('.').next() {
            Some(last) if !last.is_empty() => last.to_owned(),
            _ => scope.name.clone(),
        }
    }

    /// How the source spells `name` (as CPython stores it) inside `near`: `__x` rather than the
    /// mangled `_C__x`.
    pub fn source_name(&self, name: &str, near: TextRange) -> String {
        let written = self
            .analysis
            .occurrences_in(near)
            .iter()
            .find(|o| **self.analysis.name_of(o) == *name)
            .map(|o| self.text(o.range))
            .filter(|t| !t.is_empty());
        written.map_or_else(|| demangle(name).to_owned(), str::to_owned)
    }
}
