//! The closure bugs a hover explains: on the closure a diagnostic is about (its range) or on a
//! name it is about (the flagged name, or a read of a variable a late-binding closure shares),
//! one paragraph per bug, in the diagnostic's own words.

use crate::analysis::TextRange;
use crate::ide::diagnostics::Diagnostic;

/// The paragraphs explaining the closure bugs among `diagnostics` (the file's) at `offset`, and
/// the range of the first one's subject there; `None` when none is at `offset`.
pub(super) fn bugs_at(
    diagnostics: &[impl std::borrow::Borrow<Diagnostic>],
    offset: usize,
) -> Option<(TextRange, String)> {
    let mut range = None;
    let mut paragraphs = Vec::new();
    for d in diagnostics.iter().map(std::borrow::Borrow::borrow) {
        if d.code.is_syntax_error() {
            continue;
        }
        if let Some(at) = subject_at(d, offset) {
            range.get_or_insert(at);
            paragraphs.push(format!(
                "**{}** ({}): {}.",
                d.code,
                d.severity.as_str(),
                d.message
            ));
        }
    }
    Some((range?, paragraphs.join("\n\n")))
}

/// The range of `diagnostic` (or of a name it is about) under `offset`.
fn subject_at(diagnostic: &Diagnostic, offset: usize) -> Option<TextRange> {
    std::iter::once(diagnostic.range)
        .chain(diagnostic.about.iter().copied())
        .find(|r| r.start <= offset && offset <= r.end)
}

/// `found` (another hover at the same place) with the bug paragraphs after it, or the
/// paragraphs alone.
pub(super) fn with_bugs(
    found: Option<(TextRange, String)>,
    bugs: Option<(TextRange, String)>,
) -> Option<(TextRange, String)> {
    match (found, bugs) {
        (Some((range, markdown)), Some((_, bugs))) => {
            Some((range, format!("{}\n\n---\n\n{bugs}\n", markdown.trim_end())))
        }
        (found, None) => found,
        (None, Some((range, bugs))) => Some((range, format!("{bugs}\n"))),
    }
}
