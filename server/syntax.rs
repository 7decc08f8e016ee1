//! Parsing Python source with tree-sitter.

use std::borrow::Cow;

use tree_sitter::{Parser, Tree};

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
/// Python (and LSP) treat a lone `\r` as a line break; tree-sitter does not, so such text is
/// parsed with each lone `\r` read as `\n`. Both are one byte: offsets stay the same.
pub fn parse_with(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    let input = parser_input(text);
    parser
        .parse(input.as_bytes(), old)
        .or_else(|| python_parser().parse(input.as_bytes(), None))
        .expect("parsing without a timeout or cancellation always yields a tree")
}

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
}
