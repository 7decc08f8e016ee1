//! closure-lens: shows what Python closures capture, exactly as CPython computes it.
//!
//! - [`analysis`]: the scope and capture engine (pure data in, pure data out).
//! - [`syntax`]: parsing with tree-sitter.
//! - [`ide`]: the features (hovers, hints, lenses, …) as plain data, without a protocol.
//! - [`config`]: settings, from the editor or `pyproject.toml`.
//! - [`line_index`]: the one place byte offsets become line/column positions and back.
//! - [`cli`]: the `check` command.
//! - [`workspace`]: import resolution and the cache of other modules (no LSP types).
//! - [`lsp`]: the language server (the only module that knows LSP).

pub mod analysis;
pub mod cli;
pub mod config;
pub mod ide;
pub mod line_index;
pub mod lsp;
pub mod syntax;
pub mod workspace;
