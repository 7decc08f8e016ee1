//! Conversions between byte offsets and line/column positions (UTF-8, UTF-16, UTF-32 columns).
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`, as LSP defines them. Every conversion clamps:
//! a position past the end of a line lands at the end of that line, one past the last line at the
//! end of the text, and an offset inside a multi-byte character rounds down to its first byte.

/// The unit a column counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Bytes of UTF-8 (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP `utf-16`, the protocol default).
    #[default]
    Utf16,
    /// Unicode scalar values, i.e. characters (LSP `utf-32`; Python's own column notion).
    Utf32,
}

/// A line and a column, both 0-based; the column counts units of some [`Encoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// 0-based line.
    pub line: u32,
    /// 0-based column in the chosen encoding.
    pub col: u32,
}

/// A non-ASCII character on a line: where it starts (bytes from the line start) and its UTF-8 length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    start: u32,
    len: u8,
}

impl WideChar {
    fn end(self) -> u32 {
        self.start + u32::from(self.len)
    }

    /// Its length in units of `encoding`.
    fn units(self, encoding: Encoding) -> u32 {
        match encoding {
            Encoding::Utf8 => u32::from(self.len),
            Encoding::Utf16 if self.len == 4 => 2,
            Encoding::Utf16 | Encoding::Utf32 => 1,
        }
    }

    /// How many more bytes than units of `encoding` it takes.
    fn excess(self, encoding: Encoding) -> u32 {
        u32::from(self.len) - self.units(encoding)
    }
}

/// Every this many non-ASCII characters of a line, their running excess is recorded, so a
/// conversion on a long line scans at most this many characters (not the whole line).
const STRIDE: usize = 64;

/// The non-ASCII characters of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WideLine {
    line: u32,
    chars: Vec<WideChar>,
    /// `marks[k]`: the excess (UTF-16, UTF-32) of `chars[..k * STRIDE]`; empty for short lines.
    marks: Vec<[u32; 2]>,
}

impl WideLine {
    fn mark(&self, k: usize, encoding: Encoding) -> u32 {
        match (encoding, self.marks.get(k)) {
            (Encoding::Utf8, _) | (_, None) => 0,
            (Encoding::Utf16, Some(m)) => m[0],
            (Encoding::Utf32, Some(m)) => m[1],
        }
    }

    /// The excess of `chars[..i]`.
    fn excess_before(&self, i: usize, encoding: Encoding) -> u32 {
        let k = (i / STRIDE).min(self.marks.len().saturating_sub(1));
        let from = if self.marks.is_empty() { 0 } else { k * STRIDE };
        let scanned: u32 = self.chars[from..i].iter().map(|c| c.excess(encoding)).sum();
        self.mark(k, encoding) + scanned
    }

    fn add_marks(&mut self) {
        if self.chars.len() <= STRIDE {
            return;
        }
        let mut excess = [0u32; 2];
        for (i, c) in self.chars.iter().enumerate() {
            if i % STRIDE == 0 {
                self.marks.push(excess);
            }
            excess[0] += c.excess(Encoding::Utf16);
            excess[1] += c.excess(Encoding::Utf32);
        }
    }
}

/// Line starts and non-ASCII characters of one text, built once per text version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    starts: Vec<usize>,
    /// Byte offset where each line's content ends (before its line break).
    ends: Vec<usize>,
    /// The lines holding non-ASCII characters, sorted by line.
    wide: Vec<WideLine>,
    /// Length of the text in bytes.
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut wide: Vec<WideLine> = Vec::new();
        let mut line_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Fast path: skip 8 bytes at a time while they hold no line break and no non-ASCII.
            if let Some(word) = bytes.get(i..i + 8) {
                let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
                if w & HIGH_BITS == 0 && !has_zero_byte(w ^ NEWLINES) && !has_zero_byte(w ^ RETURNS)
                {
                    i += 8;
                    continue;
                }
            }
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                ends.push(i);
                let next = if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                starts.push(next);
                line_start = next;
                i = next;
            } else if b < 0x80 {
                i += 1;
            } else {
                let len = utf8_len(b);
                let line = (starts.len() - 1) as u32;
                let ch = WideChar {
                    start: (i - line_start) as u32,
                    len,
                };
                match wide.last_mut() {
                    Some(w) if w.line == line => w.chars.push(ch),
                    _ => wide.push(WideLine {
                        line,
                        chars: vec![ch],
                        marks: Vec::new(),
                    }),
                }
                i += usize::from(len);
            }
        }
        ends.push(text.len());
        wide.iter_mut().for_each(WideLine::add_marks);
        LineIndex {
            starts,
            ends,
            wide,
            len: text.len(),
        }
    }

    /// Updates the index after `text` (the new text) had the bytes `start..old_end` of the old
    /// text replaced by `start..new_end`: only the lines around the edit are indexed again, the
    /// others shifted (a one-character edit of a 20 MB text costs microseconds per line after it,
    /// not a scan of the text).
    pub fn edit(&mut self, text: &str, start: usize, old_end: usize, new_end: usize) {
        let line_of = |offset: usize| self.starts.partition_point(|&s| s <= offset) - 1;
        // From the line before the edit (a `\r` there may meet an inserted `\n`) to the start of
        // the second line after it, whose line break the edit cannot touch.
        let first = line_of(start).saturating_sub(1);
        let last = (line_of(old_end) + 2).min(self.starts.len());
        let region_start = self.starts[first];
        let tail = last < self.starts.len();
        let old_region_end = if tail { self.starts[last] } else { self.len };
        let new_region_end = old_region_end + new_end - old_end;
        let Some(region) = text.get(region_start..new_region_end) else {
            *self = LineIndex::new(text);
            return;
        };
        let sub = LineIndex::new(region);
        let shift = |offset: &mut usize| *offset = *offset + new_end - old_end;
        // The lines after the region move; the region's lines are replaced.
        let new_last = (first + sub.starts.len() - 1) as u32;
        let old_last = last as u32;
        let wide_lo = self.wide.partition_point(|w| (w.line as usize) < first);
        let wide_hi = self.wide.partition_point(|w| w.line < old_last);
        let sub_wide = sub.wide.into_iter().map(|w| WideLine {
            line: w.line + first as u32,
            ..w
        });
        if tail {
            // The region's last start is the old line `last`, shifted.
            self.starts[last + 1..].iter_mut().for_each(shift);
            self.ends[last..].iter_mut().for_each(shift);
            for w in &mut self.wide[wide_hi..] {
                w.line = w.line - old_last + new_last;
            }
            let sub_lines = sub.ends.len() - 1;
            self.starts
                .splice(first..=last, sub.starts.iter().map(|s| s + region_start));
            self.ends.splice(
                first..last,
                sub.ends[..sub_lines].iter().map(|e| e + region_start),
            );
            self.wide.splice(wide_lo..wide_hi, sub_wide);
        } else {
            self.starts
                .splice(first.., sub.starts.iter().map(|s| s + region_start));
            self.ends
                .splice(first.., sub.ends.iter().map(|e| e + region_start));
            self.wide.splice(wide_lo.., sub_wide);
        }
        self.len = text.len();
    }

    /// Number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Length of the indexed text in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Byte offset where `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: u32) -> usize {
        self.starts.get(line as usize).copied().unwrap_or(self.len)
    }

    /// Byte offset where `line`'s content ends, before its line break (clamped to the end of the text).
    pub fn line_end(&self, line: u32) -> usize {
        self.ends.get(line as usize).copied().unwrap_or(self.len)
    }

    fn wide_line(&self, line: u32) -> Option<&WideLine> {
        let i = self.wide.binary_search_by_key(&line, |w| w.line).ok()?;
        Some(&self.wide[i])
    }

    /// The line and column of byte `offset`.
    ///
    /// Offsets past the end clamp to the end; inside a multi-byte character or a `\r\n` they round down.
    pub fn line_col(&self, offset: usize, encoding: Encoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        self.col_in_line(line, offset, encoding)
    }

    /// The line and column of each of `offsets`, which mostly come in increasing order (as a
    /// file's tokens do): each line is found by walking on from the one before, not searched.
    pub fn line_cols(
        &self,
        offsets: impl IntoIterator<Item = usize>,
        encoding: Encoding,
    ) -> impl Iterator<Item = LineCol> {
        let mut line = 0;
        offsets.into_iter().map(move |offset| {
            let offset = offset.min(self.len);
            if self.starts[line] > offset {
                line = self.starts.partition_point(|&s| s <= offset) - 1;
            }
            while self.starts.get(line + 1).is_some_and(|&s| s <= offset) {
                line += 1;
            }
            self.col_in_line(line, offset, encoding)
        })
    }

    /// The line and column of byte `offset` (at most the text's length) on line `line`.
    fn col_in_line(&self, line: usize, offset: usize, encoding: Encoding) -> LineCol {
        let offset = offset.min(self.ends[line]);
        let byte_col = (offset - self.starts[line]) as u32;
        let col = match self.wide_line(line as u32) {
            None => byte_col,
            Some(wide) => {
                let i = wide.chars.partition_point(|c| c.start < byte_col);
                match i.checked_sub(1).map(|j| (j, wide.chars[j])) {
                    // Inside a character: round down to its start.
                    Some((j, ch)) if ch.end() > byte_col => {
                        ch.start - wide.excess_before(j, encoding)
                    }
                    _ => byte_col - wide.excess_before(i, encoding),
                }
            }
        };
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// The byte offset of `pos` (columns in `encoding`).
    ///
    /// A line past the last clamps to the end of the text, a column past the line's end to that end,
    /// and a column inside a character (e.g. half of a surrogate pair) rounds down to its start.
    pub fn offset(&self, pos: LineCol, encoding: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let start = self.starts[line];
        let end = self.ends[line];
        let col = pos.col;
        let byte_col = match self.wide_line(pos.line) {
            None => u64::from(col),
            Some(wide) => {
                // The last mark at or before `col`, then at most STRIDE characters.
                let unit_start = |i: usize, excess: u32| wide.chars[i].start - excess;
                let (mut lo, mut hi) = (0, wide.marks.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if unit_start(mid * STRIDE, wide.mark(mid, encoding)) < col {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                let k = lo.saturating_sub(1);
                let mut excess = wide.mark(k, encoding);
                let mut found = None;
                for ch in &wide.chars[k * STRIDE..] {
                    let at = ch.start - excess;
                    if at >= col {
                        break;
                    }
                    if at + ch.units(encoding) > col {
                        // Inside the character: round down to its start.
                        found = Some(u64::from(ch.start));
                        break;
                    }
                    excess += ch.excess(encoding);
                }
                found.unwrap_or(u64::from(col) + u64::from(excess))
            }
        };
        let offset = start as u64 + byte_col;
        (offset.min(end as u64)) as usize
    }

    /// The tree-sitter point (row, byte column) of `offset` in `text`: the row is the line, since
    /// the parser reads a lone `\r` as `\n` (`syntax::parse_with`).
    ///
    /// `text` must be the text this index was built from.
    pub fn ts_point(&self, text: &str, offset: usize) -> tree_sitter::Point {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        // Between `\r` and `\n` of a CRLF the row is still the current one.
        tree_sitter::Point::new(line, offset - self.starts[line])
    }
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const NEWLINES: u64 = LOW_BITS * b'\n' as u64;
const RETURNS: u64 = LOW_BITS * b'\r' as u64;

/// Whether some byte of `word` is zero.
fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(LOW_BITS) & !word & HIGH_BITS != 0
}

/// The largest char boundary of `text` at or before `offset` (clamped to the text's length).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn utf8_len(first: u8) -> u8 {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    /// Every char boundary round-trips in every encoding; every offset, walked forward and back,
    /// gives what it gives searched.
    fn assert_round_trips(text: &str) {
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 1).chain((0..=text.len()).rev()).collect();
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let walked: Vec<LineCol> = index.line_cols(offsets.iter().copied(), enc).collect();
            let searched: Vec<LineCol> = offsets.iter().map(|&o| index.line_col(o, enc)).collect();
            assert_eq!(walked, searched, "{text:?} {enc:?}");
        }
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let pos = index.line_col(offset, enc);
                let back = index.offset(pos, enc);
                // Offsets inside a CRLF's `\n` round down to the line end.
                let expected = offset.min(index.line_end(pos.line));
                assert_eq!(
                    back, expected,
                    "{text:?} offset {offset} {enc:?} -> {pos:?}"
                );
            }
        }
    }

    #[test]
    fn ascii() {
        let text = "def f():\n    x = 1\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_col(13, Encoding::Utf16), lc(1, 4));
        assert_eq!(index.offset(lc(1, 4), Encoding::Utf16), 13);
        assert_round_trips(text);
    }

    #[test]
    fn notes_example_he_emoji() {
        // `x` after `"hé😀"`: byte column 15, character 11, UTF-16 unit 12.
        let text = "s = \"hé😀\"; x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 15);
        assert_eq!(index.line_col(x, Encoding::Utf8), lc(0, 15));
        assert_eq!(index.line_col(x, Encoding::Utf16), lc(0, 12));
        assert_eq!(index.line_col(x, Encoding::Utf32), lc(0, 11));
        assert_eq!(index.offset(lc(0, 12), Encoding::Utf16), x);
        assert_eq!(index.offset(lc(0, 11), Encoding::Utf32), x);
        assert_eq!(index.offset(lc(0, 15), Encoding::Utf8), x);
        assert_round_trips(text);
    }

    #[test]
    fn accented_and_cjk() {
        let text = "é = 1\n変数 = é + 2\n";
        let index = LineIndex::new(text);
        let plus = text.find('+').unwrap();
        // `変数 = é + ` : 2 CJK (3 bytes each), ` = `, é (2 bytes), space.
        assert_eq!(index.line_col(plus, Encoding::Utf16), lc(1, 7));
        assert_eq!(index.line_col(plus, Encoding::Utf32), lc(1, 7));
        assert_eq!(index.line_col(plus, Encoding::Utf8), lc(1, 12));
        assert_eq!(index.offset(lc(1, 7), Encoding::Utf16), plus);
        assert_round_trips(text);
    }

    #[test]
    fn inside_a_character_rounds_down() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        // Byte 2 is inside the emoji (bytes 1..5).
        assert_eq!(index.line_col(2, Encoding::Utf16), lc(0, 1));
        assert_eq!(index.line_col(3, Encoding::Utf8), lc(0, 1));
        // UTF-16 column 2 is between the surrogates.
        assert_eq!(index.offset(lc(0, 2), Encoding::Utf16), 1);
        assert_eq!(index.offset(lc(0, 3), Encoding::Utf16), 5);
        // UTF-8 column 3 is inside the emoji.
        assert_eq!(index.offset(lc(0, 3), Encoding::Utf8), 1);
        assert_eq!(index.offset(lc(0, 5), Encoding::Utf8), 5);
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = "a = 1\r\nb = 2\rc = 3\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_start(1), 7);
        assert_eq!(index.line_start(2), 13);
        assert_eq!(index.line_start(3), 19);
        assert_eq!(
            index.line_col(text.find('c').unwrap(), Encoding::Utf16),
            lc(2, 0)
        );
        // Between `\r` and `\n`: the end of line 0.
        assert_eq!(index.line_col(6, Encoding::Utf16), lc(0, 5));
        assert_eq!(index.offset(lc(2, 4), Encoding::Utf16), 17);
        // The parser reads the lone `\r` as a line break: `c` is where its tree puts it.
        let c = text.find('c').unwrap();
        let tree = crate::syntax::parse(text);
        let node = tree.root_node().descendant_for_byte_range(c, c).unwrap();
        assert_eq!(index.ts_point(text, c), node.start_position());
        assert_round_trips(text);
    }

    #[test]
    fn clamping() {
        let text = "ab\ncdé\n";
        let index = LineIndex::new(text);
        // Past the end of a line: the line's end.
        assert_eq!(index.offset(lc(0, 99), Encoding::Utf16), 2);
        assert_eq!(index.offset(lc(1, 99), Encoding::Utf8), 7);
        // Past the last line: the end of the text.
        assert_eq!(index.offset(lc(9, 0), Encoding::Utf16), text.len());
        assert_eq!(
            index.offset(lc(u32::MAX, u32::MAX), Encoding::Utf32),
            text.len()
        );
        // Offsets past the end: the end.
        assert_eq!(index.line_col(999, Encoding::Utf16), lc(2, 0));
        assert_eq!(LineIndex::new("").line_col(5, Encoding::Utf8), lc(0, 0));
        assert_eq!(LineIndex::new("").offset(lc(3, 3), Encoding::Utf8), 0);
    }

    #[test]
    fn long_lines_and_mixed_text() {
        // Exercises the 8-bytes-at-a-time path around breaks and non-ASCII at every alignment.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&"x".repeat(i));
            text.push_str(["\n", "\r\n", "\r", "é", "😀", "変"][i % 6]);
        }
        let index = LineIndex::new(&text);
        let breaks =
            text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
        assert_eq!(index.line_count(), breaks + 1);
        assert_round_trips(&text);
    }

    #[test]
    fn long_lines_of_wide_characters() {
        // Past STRIDE wide characters a line is converted through its marks: same answers, and
        // (the point) no scan of the whole line per conversion.
        let mut text = String::from("x = [");
        for i in 0..1_000 {
            text.push_str(["é", "😀", "a", "変", "bc"][i % 5]);
        }
        text.push_str("]\nnext é line\n");
        assert_round_trips(&text);
        let index = LineIndex::new(&text);
        let last = text.rfind('😀').unwrap();
        let utf16 = text[..last].encode_utf16().count() as u32;
        assert_eq!(index.line_col(last, Encoding::Utf16), lc(0, utf16));
        assert_eq!(index.offset(lc(0, utf16), Encoding::Utf16), last);
        assert_eq!(index.offset(lc(0, utf16 + 1), Encoding::Utf16), last);
        let chars = text[..last].chars().count() as u32;
        assert_eq!(index.line_col(last + 2, Encoding::Utf32), lc(0, chars));
    }

    #[test]
    fn edits_update_the_index_as_a_rebuild_would() {
        let pieces = ["a", "\n", "\r", "\r\n", "é", "😀", "  ", "xyz", ""];
        let mut text = String::from("def f():\r\n    x = 'é'\r    return x\n");
        let mut index = LineIndex::new(&text);
        let mut seed: u64 = 7;
        for step in 0..3_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (seed >> 33) as usize;
            let start = floor_char_boundary(&text, r % (text.len() + 1));
            let end = floor_char_boundary(&text, (start + (r >> 8) % 5).min(text.len()));
            let insert = pieces[(r >> 16) % pieces.len()].repeat(1 + (r >> 20) % 3);
            text.replace_range(start..end, &insert);
            index.edit(&text, start, end, start + insert.len());
            let fresh = LineIndex::new(&text);
            assert_eq!(
                (&index.starts, &index.ends, &index.wide, index.len),
                (&fresh.starts, &fresh.ends, &fresh.wide, fresh.len),
                "step {step}: {text:?}"
            );
        }
    }

    #[test]
    fn ts_point_without_lone_cr() {
        let text = "x\r\né = 1\n";
        let index = LineIndex::new(text);
        let one = text.find('1').unwrap();
        assert_eq!(index.ts_point(text, one), tree_sitter::Point::new(1, 5));
    }
}
