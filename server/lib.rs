//! closure-lens: shows what Python closures capture, exactly as CPython computes it.
//!
//! - [`analysis`]: the scope and capture engine (pure data in, pure data out).
//! - [`syntax`]: parsing with tree-sitter.
//! - [`line_index`]: the one place byte offsets become line/column positions and back.
//! - [`cli`]: the `check` command.
//! - [`lsp`]: the language server.

pub mod analysis;
pub mod cli;
pub mod line_index;
pub mod lsp;
pub mod syntax;
