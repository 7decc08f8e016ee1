//! Pass 1: walks the tree-sitter tree in the order CPython's `symtable_visit_*` functions walk the
//! AST, creating blocks and recording the raw flags of every name.
//!
//! This file holds the builder (CPython's `struct symtable`: blocks, flags, occurrences); the
//! visitors are split by syntax family: [`statements`], [`expressions`], [`patterns`],
//! [`definitions`] (def, class, lambda, parameters) and [`type_params`] (PEP 695 scopes).
//!
//! Recursion follows the syntax tree, so it is capped at [`MAX_DEPTH`] levels; deeper subtrees are
//! skipped (and reported: `Analysis::too_deep`) instead of overflowing the stack. Chains that nest
//! to the left (`a.b.c`, `f()()`, `a + b + c`) are walked in a loop and cost no depth.

mod definitions;
mod expressions;
mod patterns;
mod statements;
mod type_params;

use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::blocks::{Block, BlockId, BlockType, NameId, Sym, SymbolTable, WellKnown, def};
use super::errors::ErrorKind;
use super::grammar::{CursorPool, Field, Kind, SyntaxNode};
use super::model::{ClosureError, OccurrenceKind, PythonVersion, Resolution, TextRange};
use super::names::{mangle, normalize};

/// The deepest syntax nesting analysed: CPython's parser refuses anything deeper.
///
/// Its recursion is capped by `MAXSTACK` = 6000 in `Parser/parser.c` (3.11 to 3.14: "too complex
/// to parse"), and every level the collector recurses on costs that parser at least one level
/// (measured: 5,966 nested `-`, `not` or `x if c else`, 2,983 nested lambdas; 200 brackets and
/// 99 indentation levels are the tokenizer's own limits). The compiler then refuses less in some
/// versions (3.11: 2,986 levels; 3.14: what its C stack allows), never more, so whatever CPython
/// compiles is analysed in full. Depth 6000 needs about 32 MiB of stack in a debug build: every
/// level runs through [`super::stack::grow`], so any thread's stack will do.
pub(crate) const MAX_DEPTH: u32 = 6000;

/// An identifier seen in pass 1, resolved after pass 2.
pub(crate) struct RawOccurrence {
    pub range: TextRange,
    pub name: NameId,
    pub block: BlockId,
    pub kind: OccurrenceKind,
}

/// Expression context of a `Name` (`Load`, `Store`, `Del`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Load,
    Store,
    Del,
}

/// Pass-1 state: CPython's `struct symtable` while visiting.
pub(crate) struct Collector<'a, 't> {
    text: &'a str,
    version: PythonVersion,
    pub table: SymbolTable,
    pub wk: WellKnown,
    stack: Vec<BlockId>,
    cur: BlockId,
    private: Option<String>,
    mangled_sets: Vec<FxHashSet<NameId>>,
    future_annotations: bool,
    /// Visiting the annotation of a function's local variable before 3.14 (never compiled).
    in_uncompiled_annotation: bool,
    pub errors: Vec<ClosureError>,
    pub occurrences: Vec<RawOccurrence>,
    /// Whether a `from … import *` was seen (anywhere: nested ones are errors but still run).
    pub has_star_import: bool,
    depth: u32,
    /// The first subtree deeper than [`MAX_DEPTH`], which was skipped.
    pub too_deep: Option<TextRange>,
    /// Ranges of tree-sitter ERROR nodes this pass understood (PEP 696 defaults).
    pub recovered: Vec<TextRange>,
    /// Line of the module's first statement (where a 3.14 module `__annotate__` starts).
    first_statement_line: u32,
    /// Tree cursors for walking children, reused instead of allocated per node.
    cursors: CursorPool<'t>,
    /// The `def` whose body alone is re-analysed ([`Self::run_focused`]): outside it, only what
    /// decides how its names resolve is visited.
    focus: Option<TextRange>,
    /// Functions inside the focus whose bodies are not visited (their previous analysis is
    /// kept), by range, sorted, with their previous symbols.
    kept: Vec<(TextRange, &'a [Arc<str>])>,
}

impl<'a, 't> Collector<'a, 't> {
    pub fn new(text: &'a str, version: PythonVersion, root: SyntaxNode<'t>) -> Self {
        let mut names = super::blocks::Interner::default();
        let wk = WellKnown::new(&mut names);
        let module = Block::new(
            BlockType::Module,
            "top".into(),
            0,
            TextRange::new(0, text.len()),
        );
        let mut collector = Collector {
            text,
            version,
            table: SymbolTable {
                blocks: vec![module],
                names,
            },
            wk,
            stack: vec![0],
            cur: 0,
            private: None,
            mangled_sets: Vec::new(),
            future_annotations: false,
            in_uncompiled_annotation: false,
            errors: Vec::new(),
            occurrences: Vec::new(),
            has_star_import: false,
            depth: 0,
            too_deep: None,
            recovered: Vec::new(),
            first_statement_line: 1,
            cursors: CursorPool::default(),
            focus: None,
            kept: Vec::new(),
        };
        collector.table.blocks[0].code_line = 1;
        collector.first_statement_line = first_statement_line(root, &collector.cursors);
        collector.future_annotations = has_future_annotations(root, text, &collector.cursors);
        collector
    }

    /// Visits the module body.
    pub fn run(&mut self, root: SyntaxNode<'t>) {
        // Roughly one identifier per eight bytes of Python visited (not the kept bodies: in a
        // big class, nearly all of it).
        let focus = self.focus.map_or(self.text.len(), |f| f.end - f.start);
        let kept: usize = self.kept.iter().map(|(r, _)| r.end - r.start).sum();
        self.occurrences.reserve(focus.saturating_sub(kept) / 8);
        self.visit_body(Some(root));
    }

    /// Visits the module's top-level statements that lie in `statements` (whole lines from a
    /// statement's start) as a run over a module made of just them visits its body: the chunks
    /// of the per-statement re-analysis, read off the document's own tree.
    pub fn run_statements(&mut self, root: SyntaxNode<'t>, statements: TextRange) {
        self.occurrences
            .reserve((statements.end - statements.start) / 8);
        let inside: Vec<SyntaxNode<'t>> = (root.named_children(&self.cursors))
            .filter(|c| statements.contains_range(c.range()))
            .collect();
        self.first_statement_line = inside.first().map_or(1, |&c| statement_line(c));
        for child in inside {
            self.visit_stmt(child);
        }
    }

    /// Visits the `def` at `focus` in full and, around it, only what its names' resolution
    /// depends on: the blocks enclosing it (entered as a whole run enters them, at the same
    /// depth), the statements of the functions among them (their locals are what the `def` can
    /// capture), but no other function's, lambda's or class's body, and no statement of a class
    /// or the module that does not contain the `def` (their names are invisible inside it).
    ///
    /// The bodies of the functions in `kept` (by range, sorted, with what they gave their
    /// parent in a previous analysis, `Scope::passes_up`) are not visited either: their blocks
    /// stand for that analysis, by those free names ([`Block::kept_free`]).
    pub fn run_focused(
        &mut self,
        root: SyntaxNode<'t>,
        focus: TextRange,
        kept: Vec<(TextRange, &'a [Arc<str>])>,
    ) {
        self.focus = Some(focus);
        self.kept = kept;
        self.run(root);
        self.focus = None;
        self.kept = Vec::new();
    }

    /// Whether the body of the function block being entered at `node` is kept: then its
    /// free variables are noted instead.
    fn keeps_body(&mut self, node: SyntaxNode<'t>) -> bool {
        let range = node.range();
        let Ok(at) = self.kept.binary_search_by_key(&range.start, |k| k.0.start) else {
            return false;
        };
        let block = self.block(self.cur);
        if self.kept[at].0 != range || block.ty != BlockType::Function || block.is_lambda {
            return false;
        }
        let free = self.kept[at].1.iter();
        let free = free.map(|name| self.table.names.intern(name)).collect();
        self.cur_block().kept_free = Some(free);
        true
    }

    /// Whether a focused run skips the statements of the current block that do not hold the
    /// focus: those of a class or the module (their names are invisible inside a function).
    fn skips_others(&self) -> bool {
        self.focus.is_some()
            && !self
                .block(self.cur)
                .is_function_like(self.at_least(PythonVersion::Py314))
    }

    /// Whether a focused run skips this statement (see [`Self::skips_others`]).
    fn skips_statement(&self, node: SyntaxNode<'t>) -> bool {
        self.focus
            .is_some_and(|focus| !node.range().contains_range(focus) && self.skips_others())
    }

    /// Visits the body of the `def`, `lambda` or class at `node` with `visit`, unless a focused
    /// run skips it (it neither holds the focus nor lies in it: a lambda in the header of the
    /// focused `def` is visited before its body); inside the focus, everything is visited.
    fn visit_scope_body(&mut self, node: SyntaxNode<'t>, visit: impl FnOnce(&mut Self)) {
        if !self.kept.is_empty() && self.keeps_body(node) {
            return;
        }
        match self.focus {
            Some(focus) if node.range() == focus => {
                self.focus = None;
                visit(self);
                self.focus = Some(focus);
            }
            Some(focus)
                if !node.range().contains_range(focus) && !focus.contains_range(node.range()) => {}
            _ => visit(self),
        }
    }

    /// Just after the `:` that ends a def's or lambda's header.
    fn header_colon_end(&self, node: SyntaxNode<'t>) -> Option<usize> {
        let colon = node
            .children(&self.cursors)
            .find(|c| c.kind() == Kind::Colon);
        colon.map(|c| c.end_byte())
    }

    fn at_least(&self, version: PythonVersion) -> bool {
        self.version >= version
    }

    fn text_of(&self, node: SyntaxNode<'t>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn intern_node(&mut self, node: SyntaxNode<'t>) -> NameId {
        let text = self.text_of(node);
        let normalized = normalize(text);
        self.table.names.intern(&normalized)
    }

    fn block(&self, id: BlockId) -> &Block {
        &self.table.blocks[id]
    }

    fn cur_block(&mut self) -> &mut Block {
        &mut self.table.blocks[self.cur]
    }

    fn error(&mut self, kind: ErrorKind, range: TextRange) {
        self.errors.push(ClosureError { kind, range });
    }

    /// `_Py_MaybeMangle` with the current block's mangling rules.
    fn maybe_mangle(&mut self, name: NameId) -> NameId {
        if let Some(set) = self.block(self.cur).mangled_names {
            if !self.mangled_sets[set].contains(&name) {
                return name;
            }
        }
        let Some(private) = self.private.as_deref() else {
            return name;
        };
        let text = self.table.names.name(name);
        match mangle(Some(private), text) {
            std::borrow::Cow::Borrowed(_) => name,
            std::borrow::Cow::Owned(mangled) => self.table.names.intern(&mangled),
        }
    }

    /// `symtable_lookup`: the current flags of `name` (mangled) in the current block.
    fn lookup(&mut self, name: NameId) -> u32 {
        let mangled = self.maybe_mangle(name);
        self.block(self.cur).flags(mangled)
    }

    fn record(&mut self, range: TextRange, name: NameId, kind: OccurrenceKind) {
        let block = self.cur;
        self.occurrences.push(RawOccurrence {
            range,
            name,
            block,
            kind,
        });
    }

    /// `symtable_add_def` (`symtable_add_def_ctx`).
    fn add_def(&mut self, name: NameId, flag: u32, range: TextRange) -> NameId {
        let ctx = if flag == def::USE {
            Ctx::Load
        } else {
            Ctx::Store
        };
        self.add_def_ctx(name, flag, range, ctx)
    }

    fn add_def_ctx(&mut self, name: NameId, flag: u32, range: TextRange, ctx: Ctx) -> NameId {
        if flag & (def::PARAM | def::LOCAL | def::IMPORT) != 0
            && name == self.wk.debug
            && self.at_least(PythonVersion::Py314)
        {
            let delete = ctx == Ctx::Del;
            self.error(ErrorKind::DebugAssignment { delete }, range);
        }
        if flag & def::TYPE_PARAM != 0 {
            if let Some(set) = self.block(self.cur).mangled_names {
                self.mangled_sets[set].insert(name);
            }
        }
        self.add_def_helper(name, flag, self.cur, range)
    }

    /// `symtable_add_def_helper`: records `flag` for `name` in block `ste`; returns the stored name.
    fn add_def_helper(
        &mut self,
        name: NameId,
        flag: u32,
        ste: BlockId,
        range: TextRange,
    ) -> NameId {
        let mangled = self.maybe_mangle(name);
        let existing = self.block(ste).symbols.get(&mangled).map(|s| s.flags);
        let mut val = match existing {
            Some(val) => {
                if flag & def::PARAM != 0 && val & def::PARAM != 0 {
                    let shown = self.table.names.name(name).to_owned();
                    self.error(ErrorKind::DuplicateArgument { name: shown }, range);
                }
                if flag & def::TYPE_PARAM != 0 && val & def::TYPE_PARAM != 0 {
                    let shown = self.table.names.name(name).to_owned();
                    self.error(ErrorKind::DuplicateTypeParameter { name: shown }, range);
                }
                val | flag
            }
            None => flag,
        };
        if self.block(ste).comp_iter_target {
            if val & (def::GLOBAL | def::NONLOCAL) != 0 {
                let shown = self.table.names.name(name).to_owned();
                self.error(
                    ErrorKind::IterationRebindsWalrusTarget { name: shown },
                    range,
                );
            }
            val |= def::COMP_ITER;
        }
        let block = &mut self.table.blocks[ste];
        block.symbols.insert(
            mangled,
            Sym {
                flags: val,
                scope: Resolution::GlobalImplicit,
            },
        );
        if flag & def::PARAM != 0 {
            block.varnames.push(mangled);
        } else if flag & def::GLOBAL != 0 {
            let module = &mut self.table.blocks[0];
            let entry = module.symbols.entry(mangled).or_insert(Sym {
                flags: 0,
                scope: Resolution::GlobalImplicit,
            });
            entry.flags |= flag;
        }
        mangled
    }

    /// Adds a name with `flag` and records its occurrence.
    fn bind(&mut self, node: SyntaxNode<'t>, flag: u32, kind: OccurrenceKind) {
        let name = self.intern_node(node);
        let stored = self.add_def(name, flag, node.range());
        self.record(node.range(), stored, kind);
    }

    fn record_directive(&mut self, name: NameId, range: TextRange) {
        let mangled = self.maybe_mangle(name);
        self.cur_block().directives.push((mangled, range));
    }

    /// `symtable_enter_block`.
    fn enter_block(&mut self, mut block: Block) -> BlockId {
        let id = self.table.blocks.len();
        let prev = self.cur;
        block.parent = Some(prev);
        block.comp_iter_expr = self.block(prev).comp_iter_expr;
        if block.ty != BlockType::Class {
            block.mangled_names = self.block(prev).mangled_names;
        }
        let detached = block.ty == BlockType::Annotation && self.future_annotations;
        block.detached = detached || self.block(prev).detached;
        block.uncompiled = self.in_uncompiled_annotation;
        let ty = block.ty;
        let range = block.range;
        self.table.blocks.push(block);
        if !detached {
            self.table.blocks[prev].children.push(id);
        }
        self.stack.push(id);
        self.cur = id;
        if self.at_least(PythonVersion::Py314)
            && matches!(
                ty,
                BlockType::Annotation | BlockType::TypeVariable | BlockType::TypeAlias
            )
        {
            let format = self.wk.format;
            self.add_def(format, def::PARAM, range);
            self.add_def(format, def::USE, range);
        }
        id
    }

    /// Re-enters an existing block (3.14 annotation blocks shared by a class or module).
    fn enter_existing_block(&mut self, id: BlockId) {
        let prev = self.cur;
        self.table.blocks[id].comp_iter_expr = self.block(prev).comp_iter_expr;
        self.stack.push(id);
        self.cur = id;
    }

    fn exit_block(&mut self) {
        self.stack.pop();
        self.cur = *self.stack.last().unwrap_or(&0);
    }

    /// Runs `visit` on `node`, one level deeper in the tree, unless that is deeper than
    /// [`MAX_DEPTH`] (then `node` is skipped and remembered, if it is the first).
    fn nested(&mut self, node: SyntaxNode<'t>, visit: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.too_deep.get_or_insert(node.range());
            return;
        }
        self.depth += 1;
        super::stack::grow(|| visit(self));
        self.depth -= 1;
    }

    /// Notes that the blocks made from `second` on are compiled before those made from `first`
    /// up to `second`, which the symbol table visited first (see [`Block::compiled_before`]).
    pub(super) fn compiled_ahead(&mut self, first: BlockId, second: BlockId) {
        if second > first {
            for block in &mut self.table.blocks[second..] {
                block.compiled_before.get_or_insert(first);
            }
        }
    }

    /// 3.14's `ENTER_CONDITIONAL_BLOCK` … `LEAVE_CONDITIONAL_BLOCK` around `visit`.
    fn conditional(&mut self, visit: impl FnOnce(&mut Self)) {
        let saved = self.block(self.cur).in_conditional_block;
        let cur = self.cur;
        self.table.blocks[cur].in_conditional_block = true;
        visit(self);
        self.table.blocks[cur].in_conditional_block = saved;
    }
}

/// The line CPython's AST gives an expression (or an annotation): parentheses around it do not
/// count.
fn expression_line(mut node: SyntaxNode<'_>) -> u32 {
    while node.kind() == Kind::Type {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    unparenthesized(node).line()
}

/// The expression inside any parentheses around it (CPython's AST has no node for them).
fn unparenthesized(mut node: SyntaxNode<'_>) -> SyntaxNode<'_> {
    while node.kind() == Kind::ParenthesizedExpression {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The line of the module's first statement (1 for an empty module): where 3.14's module
/// `__annotate__` starts.
pub(crate) fn first_statement_line<'t>(root: SyntaxNode<'t>, pool: &CursorPool<'t>) -> u32 {
    first_statement(root, pool).map_or(1, statement_line)
}

/// A statement's line in CPython's AST: a decorated definition's is its `def` or `class` line.
fn statement_line(statement: SyntaxNode<'_>) -> u32 {
    match statement.kind() {
        Kind::DecoratedDefinition => statement
            .field(Field::Definition)
            .map_or(statement.line(), |d| d.line()),
        _ => statement.line(),
    }
}

/// The module's first statement, if it has one.
pub(crate) fn first_statement<'t>(
    root: SyntaxNode<'t>,
    pool: &CursorPool<'t>,
) -> Option<SyntaxNode<'t>> {
    root.named_children(pool).next()
}

/// Whether `from __future__ import annotations` appears among the module's leading statements
/// (then no annotation is evaluated: every statement is read under that rule).
pub(crate) fn has_future_annotations<'t>(
    root: SyntaxNode<'t>,
    text: &str,
    pool: &CursorPool<'t>,
) -> bool {
    for stmt in root.named_children(pool) {
        match stmt.kind() {
            // Strings (docstrings), parenthesized or not, may come first.
            Kind::ExpressionStatement
                if stmt.named_child(0).map(unparenthesized).is_some_and(|s| {
                    s.kind() == Kind::String || s.kind() == Kind::ConcatenatedString
                }) =>
            {
                continue;
            }
            Kind::FutureImportStatement => {
                let found = stmt.fields(Field::Name, pool).any(|n| {
                    let ident = if n.kind() == Kind::AliasedImport {
                        n.field(Field::Name)
                    } else {
                        Some(n)
                    };
                    ident.is_some_and(|i| text.get(i.byte_range()) == Some("annotations"))
                });
                if found {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}
