//! The scope and capture engine: CPython's `symtable` rules on a tree-sitter tree.
//!
//! Pure: no I/O, no LSP types, never panics, never fails. [`analyze`] is the one entry point.

mod model;

pub use model::*;

use tree_sitter::Tree;

/// Analyses `text` (already parsed into `tree`) with the scoping rules of `version`.
pub fn analyze(text: &str, tree: &Tree, version: PythonVersion) -> Analysis {
    let _ = (text, tree);
    Analysis {
        version,
        scopes: vec![Scope {
            kind: ScopeKind::Module,
            parent: None,
            children: Vec::new(),
            name: "top".into(),
            qualname: String::new(),
            line: 0,
            code_line: 1,
            range: TextRange::new(0, text.len()),
            focus_range: TextRange::new(0, 0),
            params: Vec::new(),
            symbols: Vec::new(),
            code: Some(CodeCells::default()),
            inlined: false,
        }],
        ..Analysis::default()
    }
}
