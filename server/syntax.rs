//! Parsing Python source with tree-sitter.

use std::borrow::Cow;

use tree_sitter::{Parser, Point, Tree};

/// A parser set up for Python.
pub fn python_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("tree-sitter-python is built for this tree-sitter ABI");
    parser
}

/// Parses `text` from scratch.
pub fn parse(text: &str) -> Tree {
    parse_with(&mut python_parser(), text, None)
}

/// Parses `text`, reusing `old` (already edited to match `text`) when given.
///
/// Python (and LSP) treat a lone `\r` as a line break; tree-sitter does not, so the parser reads
/// each lone `\r` as `\n`. Both are one byte: offsets stay the same. The text is handed over in
/// pieces as the parser asks for them: an incremental parse reads only around the edit, and so
/// does the search for lone `\r`s.
pub fn parse_with(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    let bytes = text.as_bytes();
    let mut read = |at: usize, _: Point| piece_at(bytes, at);
    parser
        .parse_with_options(&mut read, old, None)
        .or_else(|| python_parser().parse_with_options(&mut read, None, None))
        .expect("parsing without a timeout or cancellation always yields a tree")
}

/// The text from `at` as the parser reads it: at most [`PIECE`] bytes, up to the next lone
/// `\r`; a lone `\r` itself reads as `\n`.
fn piece_at(bytes: &[u8], at: usize) -> &[u8] {
    let rest = bytes.get(at..).unwrap_or_default();
    let piece = &rest[..rest.len().min(PIECE)];
    let lone_cr = |i: usize| rest.get(i + 1) != Some(&b'\n');
    match memchr::memchr_iter(b'\r', piece).find(|&i| lone_cr(i)) {
        Some(0) => b"\n",
        Some(i) => &piece[..i],
        None => piece,
    }
}

/// The most bytes handed to the parser at once (it asks again for more).
const PIECE: usize = 16 << 10;

/// `text` with lone `\r` line breaks turned into `\n` (borrowed when there are none).
pub fn parser_input(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone_cr) {
        return Cow::Borrowed(text);
    }
    let normalized: String = text
        .char_indices()
        .map(|(i, c)| if c == '\r' && lone_cr(i) { '\n' } else { c })
        .collect();
    Cow::Owned(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_are_line_breaks() {
        assert!(matches!(parser_input("a\r\nb\n"), Cow::Borrowed(_)));
        assert_eq!(parser_input("a\rb\r\nc\r"), "a\nb\r\nc\n");
        let tree = parse("def f():\r    x = 1\r    return lambda: x\r");
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn the_parser_reads_the_text_in_pieces_with_lone_carriage_returns_as_line_breaks() {
        let text = "a\rb\r\nc\r";
        let read: Vec<&[u8]> = [0, 1, 2, 3, 5, 6, 7, 8]
            .iter()
            .map(|&at| piece_at(text.as_bytes(), at))
            .collect();
        let expected: [&[u8]; 8] = [b"a", b"\n", b"b\r\nc", b"\r\nc", b"c", b"\n", b"", b""];
        assert_eq!(read, expected);
        // Pieces are bounded, and whatever the parser reads, it reads as `parser_input` gives it.
        let long = "x = 1\r".repeat(PIECE / 3);
        assert_eq!(piece_at(long.as_bytes(), 0), b"x = 1");
        let source = "def f():\r    x = 1\r\n    return lambda: x\r".repeat(2000);
        let pieces = parse(&source);
        let whole = python_parser()
            .parse(parser_input(&source).as_bytes(), None)
            .unwrap();
        assert_eq!(pieces.root_node().to_sexp(), whole.root_node().to_sexp());
        assert!(!pieces.root_node().has_error());
    }
}
