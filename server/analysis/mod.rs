//! The scope and capture engine: CPython's `symtable` rules on a tree-sitter tree.
//!
//! Pure: no I/O, no LSP types, never panics, never fails. [`analyze`] is the one entry point;
//! it runs two stages, [`symbols`] then [`add_facts`], which a caller that can use the first
//! stage's result early (a language server's first answers) may run itself.
//!
//! - [`collect`]: pass 1, the raw facts (`symtable_visit_*`);
//! - [`resolve`]: pass 2, scopes and cells (`symtable_analyze`);
//! - [`code`]: what the compiler makes of it (`__qualname__`, `co_freevars`, `co_cellvars`);
//! - [`export`]: the plain-data [`Analysis`] with links between scopes and occurrences;
//! - [`incremental`]: re-analysis of only the top-level statements an edit changed.

mod blocks;
pub mod builtins;
mod code;
mod collect;
pub mod errors;
mod export;
mod flow;
mod grammar;
pub mod incremental;
mod model;
pub mod names;
mod resolve;
mod stack;

pub use model::*;

use tree_sitter::{Node, Tree};

/// Analyses `text` (already parsed into `tree`) with the scoping rules of `version`.
pub fn analyze(text: &str, tree: &Tree, version: PythonVersion) -> Analysis {
    let mut analysis = symbols(text, tree, version);
    add_facts(&mut analysis, text, tree);
    analysis
}

/// The first stage of [`analyze`]: everything but the flow facts (left empty): the scopes, what
/// each binds, declares and captures, the occurrences, the errors.
pub fn symbols(text: &str, tree: &Tree, version: PythonVersion) -> Analysis {
    module_symbols(text, tree.root_node(), version, None)
}

/// [`analyze`] of the module made of the top-level statements of `tree` that lie in
/// `statements` (whole lines from a statement's start, without syntax errors), read off the
/// document's own tree: what [`analyze`] gives for their text parsed on its own, in the
/// document's coordinates (the chunks of the per-statement re-analysis, parsed once).
pub(crate) fn analyze_statements(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    statements: TextRange,
) -> Analysis {
    let root = tree.root_node();
    let mut analysis = module_symbols(text, root, version, Some(statements));
    let root = grammar::SyntaxNode::new(root);
    analysis.facts = flow::facts(text, root, &analysis, statements);
    analysis
}

/// The symbols of the module (see [`symbols`]), or of its statements in `statements` (see
/// [`analyze_statements`]).
fn module_symbols(
    text: &str,
    root: Node<'_>,
    version: PythonVersion,
    statements: Option<TextRange>,
) -> Analysis {
    let node = grammar::SyntaxNode::new(root);
    let mut collector = collect::Collector::new(text, version, node);
    match statements {
        Some(statements) => collector.run_statements(node, statements),
        None => collector.run(node),
    }
    let mut errors = std::mem::take(&mut collector.errors);
    let mut resolver = resolve::Resolver::new(&mut collector.table, &collector.wk, version);
    resolver.run();
    errors.append(&mut resolver.errors);
    let mut parse_errors = unrecovered_errors(root, &collector.recovered);
    if let Some(statements) = statements {
        parse_errors.retain(|e| statements.contains_range(*e));
    }
    let too_deep = collector.too_deep.map(|range| TooDeep {
        range,
        limit: collect::MAX_DEPTH,
    });
    export::build(export::Inputs {
        version,
        table: &collector.table,
        wk: &collector.wk,
        occurrences: &collector.occurrences,
        errors,
        parse_errors,
        too_deep,
        has_star_import: collector.has_star_import,
    })
}

/// The second stage of [`analyze`]: the flow facts of `analysis`, the first stage's result for
/// the same `text` and `tree`.
pub fn add_facts(analysis: &mut Analysis, text: &str, tree: &Tree) {
    let root = grammar::SyntaxNode::new(tree.root_node());
    analysis.facts = flow::facts(text, root, analysis, TextRange::new(0, text.len()));
}

/// The ERROR and MISSING nodes of the tree outside the ranges the collector recovered, in
/// source order (only the paths to them are walked).
pub(crate) fn unrecovered_errors(root: Node<'_>, recovered: &[TextRange]) -> Vec<TextRange> {
    let mut found = Vec::new();
    if !root.has_error() {
        return found;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let range = TextRange::new(node.start_byte(), node.end_byte());
            if !recovered.contains(&range) {
                found.push(range);
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error()));
    }
    found.sort_by_key(|r| (r.start, r.end));
    found
}
