//! Decorators as users meet them: what a decorated `def` or `class` becomes, followed through the
//! decorator functions closure-lens can see, in this file or in other modules.
//!
//! Nothing here runs Python or reads files. A decorator expression is followed by a small
//! evaluator over the analyses and [outlines](outline::Outline) of the modules involved: a factory
//! call (`@retry(3, delay=0.5)`) binds its arguments to the factory's parameters and follows its
//! `return` statements to the function it returns, which is then applied to the decorated function
//! (`@memoize` is applied directly); stacked decorators apply bottom first. The result is the
//! function object the name ends up bound to, with the value each cell of its `__closure__` was
//! bound to (as source text), or an honest "unknown" where that is not decidable.
//!
//! Other modules come from a [`ModuleSource`] (the workspace layer, which reads, parses and caches
//! them); the current file is a [`ModuleFile`] too.
//!
//! - [`outline`]: the syntax facts kept per file (defs, decorators, parameters, returns, imports);
//! - `value` and `eval`: values, call frames and the evaluator; `args`: arguments → parameters;
//! - `chain`: a decorated definition's chain, and what calling a function returns;
//! - `render`: the one wording of these facts, shared by [`hover`], [`lens`] and [`json`];
//! - [`definition`]: go to definition through imports.

mod args;
mod chain;
pub mod definition;
mod eval;
pub mod hover;
pub mod json;
pub mod lens;
pub mod outline;
mod render;
mod value;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tree_sitter::Tree;

use crate::analysis::{self, Analysis, PythonVersion, ScopeId, ScopeKind, TextRange};
use crate::line_index::LineIndex;
use crate::syntax;

use super::FileView;
pub use outline::{ImportedModule, Outline};

/// One module as the decorator features see it: text, analysis and outline (never a tree).
#[derive(Debug)]
pub struct ModuleFile {
    /// Where it was read from; `None` for a buffer that is not a file.
    pub path: Option<PathBuf>,
    /// Its dotted name as imports spell it (`pkg.decos`), or its file name when no search root
    /// contains it.
    pub name: String,
    pub text: String,
    pub lines: LineIndex,
    pub analysis: Arc<Analysis>,
    pub outline: Arc<Outline>,
    /// The scope of each def of the outline (same order).
    def_scopes: Vec<Option<ScopeId>>,
}

impl ModuleFile {
    /// The modules this file's decorators come from (see [`decorator_imports`]).
    pub fn decorator_imports(&self) -> Vec<&ImportedModule> {
        decorator_imports(&self.outline, &self.text)
    }

    /// A module from its text, its analysis and its syntax tree (read for the outline only).
    pub fn new(
        path: Option<PathBuf>,
        name: String,
        text: String,
        analysis: Arc<Analysis>,
        tree: &Tree,
    ) -> Self {
        let outline = Arc::new(Outline::new(&text, tree));
        let lines = LineIndex::new(&text);
        Self::with_outline(path, name, text, lines, analysis, outline)
    }

    /// A module whose line index (`lines`, of `text`) and outline are already known.
    pub fn with_outline(
        path: Option<PathBuf>,
        name: String,
        text: String,
        lines: LineIndex,
        analysis: Arc<Analysis>,
        outline: Arc<Outline>,
    ) -> Self {
        let by_name: FxHashMap<TextRange, ScopeId> = analysis
            .scopes
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.kind, ScopeKind::Function | ScopeKind::Class))
            .map(|(i, s)| (s.focus_range, ScopeId(i as u32)))
            .collect();
        let def_scopes = outline
            .defs
            .iter()
            .map(|d| by_name.get(&d.name).copied())
            .collect();
        ModuleFile {
            path,
            name,
            lines,
            text,
            analysis,
            outline,
            def_scopes,
        }
    }

    /// Parses and analyses `text` with `version`'s rules; the tree is dropped.
    pub fn parse(
        path: Option<PathBuf>,
        name: String,
        text: String,
        version: PythonVersion,
    ) -> Self {
        let tree = syntax::parse(&text);
        let analysis = Arc::new(analysis::analyze(&text, &tree, version));
        Self::new(path, name, text, analysis, &tree)
    }

    /// The module as the other features see a file.
    pub fn view(&self) -> FileView<'_> {
        FileView {
            text: &self.text,
            lines: &self.lines,
            analysis: &self.analysis,
        }
    }

    /// The scope of the `index`-th def of the outline.
    pub fn def_scope(&self, index: usize) -> Option<ScopeId> {
        self.def_scopes.get(index).copied().flatten()
    }

    /// The source text of `range`.
    pub fn text(&self, range: TextRange) -> &str {
        self.text.get(range.start..range.end).unwrap_or("")
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.view().line(offset)
    }

    /// About how many bytes it keeps in memory (for the workspace cache's budget).
    pub fn footprint(&self) -> usize {
        // Measured on the stdlib: the analysis and line index take about 10 bytes per source
        // byte; the outline is small beside them.
        self.text.len() * 11 + 1024
    }
}

/// What looking a module up found.
#[derive(Clone, Debug)]
pub enum Lookup {
    Found(Arc<ModuleFile>),
    /// A directory without `__init__.py` (a namespace package): only its submodules exist.
    Namespace,
    /// No such module where the workspace looks (workspace folders, `src/`, `extraPaths`, the
    /// virtual environment).
    NotFound,
    /// Found but not analysed, and why (too large, unreadable, not UTF-8, …).
    Failed(String),
}

/// Where other modules come from.
pub trait ModuleSource {
    /// The module `module` as the file at `importer` imports it (`importer` locates relative
    /// imports; `None` for a buffer that is not a file).
    fn module(&self, importer: Option<&Path>, module: &ImportedModule) -> Lookup;
}

/// A source of no modules: the current file alone.
pub struct NoModules;

impl ModuleSource for NoModules {
    fn module(&self, _: Option<&Path>, _: &ImportedModule) -> Lookup {
        Lookup::NotFound
    }
}

/// A place in some module (a definition, a lens target).
#[derive(Clone, Debug)]
pub struct Target {
    pub module: Arc<ModuleFile>,
    pub range: TextRange,
}

/// The modules the decorators of a file (`text`, outlined in `outline`) come from: those
/// binding the first name of a decorator expression (`retry` in `@retry(3)`, `decos` in
/// `@decos.retry`), in source order, each once. What is worth reading ahead of a hover.
pub fn decorator_imports<'a>(outline: &'a Outline, text: &str) -> Vec<&'a ImportedModule> {
    let mut roots: Vec<&str> = Vec::new();
    for decorator in outline.defs.iter().flat_map(|d| &d.decorators) {
        let mut expr = &decorator.expr;
        loop {
            match &expr.kind {
                outline::ExprKind::Call { function, .. } => expr = function,
                outline::ExprKind::Attribute { object, .. } => expr = object,
                _ => break,
            }
        }
        if expr.kind == outline::ExprKind::Name {
            roots.push(&text[expr.range.start..expr.range.end]);
        }
    }
    let mut found: Vec<&ImportedModule> = Vec::new();
    for &(at, ref binding) in &outline.bindings {
        let outline::Binding::Import(import) = binding else {
            continue;
        };
        let name = identifier_at(text, at);
        if roots.contains(&name) && !found.contains(&&import.module) {
            found.push(&import.module);
        }
    }
    found
}

/// The identifier starting at byte `at` of `text`.
fn identifier_at(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}
