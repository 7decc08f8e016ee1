//! `check --fix` and `check --diff`: the safe fixes of one file, applied to its text.

use std::path::Path;

use similar::TextDiff;

use super::result::{FileResult, Position};
use crate::line_index::{Encoding, LineCol, LineIndex};

/// `text` with the first safe fix of every finding applied (a fix overlapping one already taken
/// is left for the next run), or `None` when there is nothing to fix.
pub fn apply_safe(text: &str, result: &FileResult) -> Option<String> {
    let lines = LineIndex::new(text);
    let offset = |p: Position| {
        lines.offset(
            LineCol {
                line: p.line.saturating_sub(1),
                col: p.column.saturating_sub(1),
            },
            Encoding::Utf32,
        )
    };
    let mut taken: Vec<(usize, usize, &str)> = Vec::new();
    for finding in &result.findings {
        let Some(fix) = finding.fixes.iter().find(|f| f.safe) else {
            continue;
        };
        let edits: Vec<(usize, usize, &str)> = fix
            .edits
            .iter()
            .map(|e| {
                (
                    offset(e.range.start),
                    offset(e.range.end),
                    e.new_text.as_str(),
                )
            })
            .collect();
        let overlaps = edits.iter().any(|&(start, end, _)| {
            taken
                .iter()
                .any(|&(s, e, _)| start < e && s < end || start == s && end == e)
        });
        if !overlaps {
            taken.extend(edits);
        }
    }
    if taken.is_empty() {
        return None;
    }
    taken.sort_by_key(|&(start, end, _)| std::cmp::Reverse((start, end)));
    let mut fixed = text.to_owned();
    for (start, end, new_text) in taken {
        fixed.replace_range(start..end, new_text);
    }
    Some(fixed)
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
