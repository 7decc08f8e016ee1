//! `check --fix` and `check --diff`: the safe fixes of one file, applied to its text.

use std::path::Path;

use similar::TextDiff;

use super::{Settings, with_view};
use crate::ide::diagnostics::diagnostics;
use crate::ide::diagnostics::fix_all::{apply, fix_all};

/// `text` with the safe fixes of its findings applied (see [`fix_all`]), or `None` when there
/// is nothing to fix.
pub fn fixed_text(text: &str, settings: &Settings) -> Option<String> {
    let edits = with_view(text, settings, |file| {
        fix_all(&diagnostics(file, &settings.diagnostics()))
    });
    (!edits.is_empty()).then(|| apply(text, &edits))
}

/// A unified diff from `before` to `after`, with `path` in its headers.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let shown = path.display().to_string();
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}
