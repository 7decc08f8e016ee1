//! closure-lens: shows what Python closures capture, exactly as CPython computes it.
//!
//! - [`analysis`]: the scope and capture engine (pure data in, pure data out).
//! - [`syntax`]: parsing with tree-sitter.

pub mod analysis;
pub mod syntax;
