//! LSP positions and ranges <-> byte offsets, through [`LineIndex`].

use ls_types::{Position, Range};

use crate::analysis::TextRange;
use crate::line_index::{Encoding, LineCol, LineIndex};

/// The byte offset of an LSP position (clamped).
pub fn offset(index: &LineIndex, position: Position, encoding: Encoding) -> usize {
    index.offset(
        LineCol {
            line: position.line,
            col: position.character,
        },
        encoding,
    )
}

/// The LSP position of a byte offset.
pub fn position(index: &LineIndex, offset: usize, encoding: Encoding) -> Position {
    let lc = index.line_col(offset, encoding);
    Position::new(lc.line, lc.col)
}

/// The LSP range of a byte range.
pub fn range(index: &LineIndex, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(index, range.start, encoding),
        position(index, range.end, encoding),
    )
}

/// The byte range of an LSP range (clamped, start before end).
pub fn text_range(index: &LineIndex, range: Range, encoding: Encoding) -> TextRange {
    let a = offset(index, range.start, encoding);
    let b = offset(index, range.end, encoding);
    TextRange::new(a.min(b), a.max(b))
}
