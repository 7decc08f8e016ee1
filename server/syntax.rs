//! Parsing Python source with tree-sitter.

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
    python_parser()
        .parse(text, None)
        .expect("parsing without a timeout or cancellation always yields a tree")
}
