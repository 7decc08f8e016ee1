//! Pass 1: walks the tree-sitter tree in the order CPython's `symtable_visit_*` functions walk the
//! AST, creating blocks and recording the raw flags of every name.
//!
//! Recursion follows the syntax tree, so it is capped at [`MAX_DEPTH`] levels (CPython refuses much
//! shallower code: 200 nested brackets, 100 indentation levels). Deeper subtrees are skipped and the
//! analysis is marked incomplete instead of overflowing the stack.

use rustc_hash::FxHashSet;

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use tree_sitter::{Node, TreeCursor};

use super::blocks::{Block, BlockId, BlockType, NameId, Sym, SymbolTable, WellKnown, def};
use super::grammar::{Field, NodeFields};
use super::model::{ClosureError, OccurrenceKind, PythonVersion, Resolution, ScopeKind, TextRange};
use super::names::{mangle, normalize};

/// The deepest syntax nesting analysed.
pub(crate) const MAX_DEPTH: u32 = 400;

/// Tree cursors kept for reuse: creating one allocates, and the walk needs one per node.
#[derive(Default)]
struct CursorPool<'t>(Rc<RefCell<Vec<TreeCursor<'t>>>>);

impl<'t> CursorPool<'t> {
    fn take(&self, node: Node<'t>) -> PooledCursor<'t> {
        let cursor = match self.0.borrow_mut().pop() {
            Some(mut cursor) => {
                cursor.reset(node);
                cursor
            }
            None => node.walk(),
        };
        PooledCursor {
            cursor: Some(cursor),
            pool: Rc::clone(&self.0),
        }
    }
}

/// A cursor borrowed from a [`CursorPool`].
struct PooledCursor<'t> {
    cursor: Option<TreeCursor<'t>>,
    pool: Rc<RefCell<Vec<TreeCursor<'t>>>>,
}

impl<'t> Deref for PooledCursor<'t> {
    type Target = TreeCursor<'t>;
    fn deref(&self) -> &Self::Target {
        self.cursor.as_ref().expect("present until dropped")
    }
}

impl DerefMut for PooledCursor<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.cursor.as_mut().expect("present until dropped")
    }
}

impl Drop for PooledCursor<'_> {
    fn drop(&mut self) {
        if let Some(cursor) = self.cursor.take() {
            self.pool.borrow_mut().push(cursor);
        }
    }
}

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

/// A parameter of a `def` or `lambda`, classified as CPython's `arguments` node would be.
struct Param<'t> {
    name: Node<'t>,
    kind: ParamKind,
    annotation: Option<Node<'t>>,
    default: Option<Node<'t>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Positional,
    KeywordOnly,
    VarArgs,
    VarKeywords,
}

/// One type parameter (`T`, `T: bound`, `*Ts`, `**P`, each optionally `= default`).
struct TypeParam<'t> {
    name: Node<'t>,
    bound: Option<Node<'t>>,
    default: Option<Node<'t>>,
    range: TextRange,
    line: u32,
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
    pub errors: Vec<ClosureError>,
    pub occurrences: Vec<RawOccurrence>,
    /// Whether a `from … import *` was seen (anywhere: nested ones are errors but still run).
    pub has_star_import: bool,
    depth: u32,
    /// Some subtree was deeper than [`MAX_DEPTH`] and was skipped.
    pub too_deep: bool,
    /// Ranges of tree-sitter ERROR nodes this pass understood (PEP 696 defaults).
    pub recovered: Vec<TextRange>,
    /// Line of the module's first statement (where a 3.14 module `__annotate__` starts).
    first_statement_line: u32,
    /// Tree cursors for walking children, reused instead of allocated per node.
    cursors: CursorPool<'t>,
}

impl<'a, 't> Collector<'a, 't> {
    pub fn new(text: &'a str, version: PythonVersion, root: Node<'t>) -> Self {
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
            errors: Vec::new(),
            // Roughly one identifier per eight bytes of Python.
            occurrences: Vec::with_capacity(text.len() / 8),
            has_star_import: false,
            depth: 0,
            too_deep: false,
            recovered: Vec::new(),
            first_statement_line: first_statement_line(root),
            cursors: CursorPool::default(),
        };
        collector.table.blocks[0].code_line = 1;
        collector.future_annotations = has_future_annotations(root, text);
        collector
    }

    /// Visits the module body.
    pub fn run(&mut self, root: Node<'t>) {
        let mut cursor = self.cursor(root);
        for child in root.named_children(&mut cursor) {
            self.visit_stmt(child);
        }
    }

    // ----- small helpers -------------------------------------------------------------------

    /// Just after the `:` that ends a def's or lambda's header.
    fn header_colon_end(&self, node: Node<'t>) -> Option<usize> {
        let mut cursor = self.cursor(node);
        let colon = node.children(&mut cursor).find(|c| c.ty() == ":");
        colon.map(|c| c.end_byte())
    }

    /// A cursor on `node` from the pool; it goes back to the pool when dropped.
    fn cursor(&self, node: Node<'t>) -> PooledCursor<'t> {
        self.cursors.take(node)
    }

    fn at_least(&self, version: PythonVersion) -> bool {
        self.version >= version
    }

    fn text_of(&self, node: Node<'t>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn range(node: Node<'t>) -> TextRange {
        TextRange::new(node.start_byte(), node.end_byte())
    }

    fn line(node: Node<'t>) -> u32 {
        node.start_position().row as u32 + 1
    }

    fn intern_node(&mut self, node: Node<'t>) -> NameId {
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

    fn error(&mut self, message: String, range: TextRange) {
        self.errors.push(ClosureError { message, range });
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
            let message = if ctx == Ctx::Del {
                "cannot delete __debug__"
            } else {
                "cannot assign to __debug__"
            };
            self.error(message.into(), range);
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
                    self.error(
                        format!("duplicate argument '{shown}' in function definition"),
                        range,
                    );
                }
                if flag & def::TYPE_PARAM != 0 && val & def::TYPE_PARAM != 0 {
                    let shown = self.table.names.name(name).to_owned();
                    self.error(format!("duplicate type parameter '{shown}'"), range);
                }
                val | flag
            }
            None => flag,
        };
        if self.block(ste).comp_iter_target {
            if val & (def::GLOBAL | def::NONLOCAL) != 0 {
                let shown = self.table.names.name(name).to_owned();
                self.error(
                    format!(
                        "comprehension inner loop cannot rebind assignment expression target '{shown}'"
                    ),
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
    fn bind(&mut self, node: Node<'t>, flag: u32, kind: OccurrenceKind) {
        let name = self.intern_node(node);
        let stored = self.add_def(name, flag, Self::range(node));
        self.record(Self::range(node), stored, kind);
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

    /// Runs `visit` one level deeper in the tree, unless that is deeper than [`MAX_DEPTH`].
    fn nested(&mut self, visit: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        visit(self);
        self.depth -= 1;
    }

    // ----- statements ----------------------------------------------------------------------

    fn visit_body(&mut self, block: Option<Node<'t>>) {
        let Some(block) = block else { return };
        let mut cursor = self.cursor(block);
        for child in block.named_children(&mut cursor) {
            self.visit_stmt(child);
        }
    }

    fn visit_stmt(&mut self, node: Node<'t>) {
        self.nested(|this| this.visit_stmt_inner(node));
    }

    fn visit_stmt_inner(&mut self, node: Node<'t>) {
        match node.ty() {
            "function_definition" => self.visit_function(node, &[]),
            "class_definition" => self.visit_class(node, &[]),
            "decorated_definition" => {
                let mut cursor = self.cursor(node);
                let decorators: Vec<Node<'t>> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.ty() == "decorator")
                    .filter_map(|d| d.named_child(0))
                    .collect();
                match node.field(Field::Definition) {
                    Some(d) if d.ty() == "function_definition" => {
                        self.visit_function(d, &decorators)
                    }
                    Some(d) if d.ty() == "class_definition" => self.visit_class(d, &decorators),
                    _ => {
                        for d in decorators {
                            self.visit_expr(d, Ctx::Load);
                        }
                    }
                }
            }
            "type_alias_statement" => self.visit_type_alias(node),
            "expression_statement" => {
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    match child.ty() {
                        "assignment" => self.visit_assignment(child),
                        "augmented_assignment" => {
                            self.visit_opt(child.field(Field::Left), Ctx::Store);
                            self.visit_opt(child.field(Field::Right), Ctx::Load);
                        }
                        _ => self.visit_expr(child, Ctx::Load),
                    }
                }
            }
            "return_statement" | "assert_statement" | "raise_statement" => {
                self.visit_children(node, Ctx::Load)
            }
            "delete_statement" => self.visit_children(node, Ctx::Del),
            "pass_statement" | "break_statement" | "continue_statement" | "comment" => {}
            "if_statement" => {
                self.visit_opt(node.field(Field::Condition), Ctx::Load);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Consequence));
                    let mut cursor = this.cursor(node);
                    for alt in node.fields(Field::Alternative, &mut cursor) {
                        this.visit_opt(alt.field(Field::Condition), Ctx::Load);
                        this.visit_body(
                            alt.field(Field::Consequence)
                                .or_else(|| alt.field(Field::Body)),
                        );
                    }
                });
            }
            "for_statement" => {
                self.visit_opt(node.field(Field::Left), Ctx::Store);
                self.visit_opt(node.field(Field::Right), Ctx::Load);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Body));
                    this.visit_else(node);
                });
            }
            "while_statement" => {
                self.visit_opt(node.field(Field::Condition), Ctx::Load);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Body));
                    this.visit_else(node);
                });
            }
            "try_statement" => self.conditional(|this| {
                this.visit_body(node.field(Field::Body));
                let mut cursor = this.cursor(node);
                let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let visit_else = |this: &mut Self| {
                    for clause in &clauses {
                        if clause.ty() == "else_clause" {
                            this.visit_body(clause.field(Field::Body));
                        }
                    }
                };
                // 3.11 and 3.12 visit `else` before the handlers; 3.13 after them.
                let else_first = !this.at_least(PythonVersion::Py313);
                if else_first {
                    visit_else(this);
                }
                for clause in &clauses {
                    if matches!(clause.ty(), "except_clause" | "except_group_clause") {
                        this.visit_except(*clause);
                    }
                }
                if !else_first {
                    visit_else(this);
                }
                for clause in &clauses {
                    if clause.ty() == "finally_clause" {
                        this.visit_block_children(*clause);
                    }
                }
            }),
            "with_statement" => self.conditional(|this| {
                let mut cursor = this.cursor(node);
                for clause in node.named_children(&mut cursor) {
                    if clause.ty() == "with_clause" {
                        let mut items = this.cursor(clause);
                        for item in clause.named_children(&mut items) {
                            this.visit_with_item(item);
                        }
                    }
                }
                this.visit_body(node.field(Field::Body));
            }),
            "match_statement" => {
                self.visit_opt(node.field(Field::Subject), Ctx::Load);
                self.conditional(|this| {
                    let mut cursor = this.cursor(node);
                    for body in node.fields(Field::Body, &mut cursor) {
                        let mut cases = this.cursor(body);
                        for case in body.named_children(&mut cases) {
                            if case.ty() == "case_clause" {
                                this.visit_case(case);
                            }
                        }
                    }
                });
            }
            "import_statement" | "future_import_statement" => {
                let mut cursor = self.cursor(node);
                for name in node.fields(Field::Name, &mut cursor) {
                    self.visit_alias(name);
                }
            }
            "import_from_statement" => {
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    if child.ty() == "wildcard_import" {
                        self.has_star_import = true;
                        if self.block(self.cur).ty != BlockType::Module {
                            self.error(
                                "import * only allowed at module level".into(),
                                Self::range(child),
                            );
                        }
                    } else if node.field(Field::ModuleName) != Some(child) {
                        self.visit_alias(child);
                    }
                }
            }
            "global_statement" => self.visit_declaration(node, true),
            "nonlocal_statement" => self.visit_declaration(node, false),
            "print_statement" | "exec_statement" => self.visit_children(node, Ctx::Load),
            "ERROR" => self.visit_error(node),
            _ => self.visit_expr_inner(node, Ctx::Load),
        }
    }

    fn visit_block_children(&mut self, node: Node<'t>) {
        let mut cursor = self.cursor(node);
        for child in node.named_children(&mut cursor) {
            if child.ty() == "block" {
                self.visit_body(Some(child));
            }
        }
    }

    fn visit_else(&mut self, node: Node<'t>) {
        if let Some(alt) = node.field(Field::Alternative) {
            self.visit_body(alt.field(Field::Body));
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

    fn visit_error(&mut self, node: Node<'t>) {
        let mut cursor = self.cursor(node);
        for child in node.named_children(&mut cursor) {
            // Bare identifiers inside an ERROR are usually half-typed tokens: not names.
            if child.ty() != "identifier" {
                self.visit_stmt(child);
            }
        }
    }

    fn visit_assignment(&mut self, node: Node<'t>) {
        if let Some(annotation) = node.field(Field::Type) {
            return self.visit_ann_assign(node, annotation);
        }
        // `a = b = c` nests as assignment(a, assignment(b, c)): CPython visits a, b, then c.
        let mut targets = Vec::new();
        let mut value = Some(node);
        while let Some(n) = value {
            if n.ty() != "assignment" || n.field(Field::Type).is_some() {
                break;
            }
            targets.push(n.field(Field::Left));
            value = n.field(Field::Right);
        }
        for target in targets {
            self.visit_opt(target, Ctx::Store);
        }
        if let Some(value) = value {
            match value.ty() {
                "assignment" => self.visit_assignment(value),
                "augmented_assignment" => self.visit_children(value, Ctx::Load),
                _ => self.visit_expr(value, Ctx::Load),
            }
        }
    }

    fn visit_ann_assign(&mut self, node: Node<'t>, annotation: Node<'t>) {
        self.cur_block().annotations_used = true;
        let target = node.field(Field::Left);
        let value = node.field(Field::Right);
        match target {
            Some(target) if target.ty() == "identifier" => {
                let name = self.intern_node(target);
                let cur = self.lookup(name);
                if cur & (def::GLOBAL | def::NONLOCAL) != 0 && self.cur != 0 {
                    let kind = if cur & def::GLOBAL != 0 {
                        "global"
                    } else {
                        "nonlocal"
                    };
                    let shown = self.table.names.name(name).to_owned();
                    self.error(
                        format!("annotated name '{shown}' can't be {kind}"),
                        Self::range(node),
                    );
                }
                let stored = self.add_def(name, def::ANNOT | def::LOCAL, Self::range(target));
                self.record(Self::range(target), stored, OccurrenceKind::Write);
            }
            Some(target) if is_parenthesized(target) => {
                // `(x): int = v` is not "simple": x is bound only when there is a value.
                let inner = target.named_child(0);
                match inner {
                    Some(inner) if inner.ty() == "identifier" && value.is_some() => {
                        self.bind(inner, def::LOCAL, OccurrenceKind::Write);
                    }
                    Some(inner) if inner.ty() == "identifier" => {}
                    Some(inner) => self.visit_expr(inner, Ctx::Store),
                    None => {}
                }
            }
            Some(target) => self.visit_expr(target, Ctx::Store),
            None => {}
        }
        self.visit_annotation(annotation);
        if let Some(value) = value {
            self.visit_expr(value, Ctx::Load);
        }
    }

    /// `symtable_visit_annotation` for a variable annotation.
    fn visit_annotation(&mut self, annotation: Node<'t>) {
        if !self.at_least(PythonVersion::Py314) {
            if self.future_annotations {
                self.enter_block(self.annotation_block_for(annotation));
                self.visit_expr(annotation, Ctx::Load);
                self.exit_block();
            } else {
                self.visit_expr(annotation, Ctx::Load);
            }
            return;
        }
        let cur = self.cur;
        let cur_ty = self.block(cur).ty;
        let is_unevaluated = cur_ty == BlockType::Function;
        // Module annotations always count as conditional: a module may run only partly.
        let conditional = cur_ty == BlockType::Module
            || (cur_ty == BlockType::Class && self.block(cur).in_conditional_block);
        if conditional && !self.block(cur).has_conditional_annotations {
            self.table.blocks[cur].has_conditional_annotations = true;
            let name = self.wk.conditional_annotations;
            self.add_def(name, def::USE, Self::range(annotation));
        }
        match self.block(cur).annotation_block {
            None => {
                let mut block = self.annotation_block_for(annotation);
                block.unevaluated = is_unevaluated;
                // The body's `__annotate__` starts where its class starts, or at the module's
                // first statement.
                block.code_line = if cur_ty == BlockType::Module {
                    self.first_statement_line
                } else {
                    self.block(cur).code_line
                };
                let id = self.enter_block(block);
                self.table.blocks[cur].annotation_block = Some(id);
                if cur_ty == BlockType::Class && !self.future_annotations {
                    self.cur_block().can_see_class_scope = true;
                    let name = self.wk.classdict;
                    self.add_def(name, def::USE, Self::range(annotation));
                }
            }
            Some(id) => self.enter_existing_block(id),
        }
        if is_unevaluated {
            self.cur_block().in_unevaluated_annotation = true;
        }
        self.visit_expr(annotation, Ctx::Load);
        if is_unevaluated {
            self.cur_block().in_unevaluated_annotation = false;
        }
        self.exit_block();
    }

    fn annotation_block_for(&self, annotation: Node<'t>) -> Block {
        let mut block = Block::new(
            BlockType::Annotation,
            "__annotate__".into(),
            Self::line(annotation),
            Self::range(annotation),
        );
        block.focus = Self::range(annotation);
        block
    }

    fn visit_except(&mut self, clause: Node<'t>) {
        let mut cursor = self.cursor(clause);
        for child in clause.named_children(&mut cursor) {
            match child.ty() {
                "as_pattern" => {
                    if let Some(kind) = child.named_child(0) {
                        self.visit_expr(kind, Ctx::Load);
                    }
                    if let Some(target) = child.field(Field::Alias) {
                        let ident = if target.ty() == "identifier" {
                            Some(target)
                        } else {
                            target.named_child(0)
                        };
                        if let Some(ident) = ident.filter(|n| n.ty() == "identifier") {
                            self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                        }
                    }
                }
                "block" => self.visit_body(Some(child)),
                _ => self.visit_expr(child, Ctx::Load),
            }
        }
    }

    fn visit_with_item(&mut self, item: Node<'t>) {
        let Some(value) = item.field(Field::Value) else {
            return;
        };
        if value.ty() == "as_pattern" {
            if let Some(context) = value.named_child(0) {
                self.visit_expr(context, Ctx::Load);
            }
            if let Some(target) = value.field(Field::Alias) {
                let mut cursor = self.cursor(target);
                for t in target.named_children(&mut cursor) {
                    self.visit_expr(t, Ctx::Store);
                }
            }
        } else {
            self.visit_expr(value, Ctx::Load);
        }
    }

    fn visit_case(&mut self, case: Node<'t>) {
        let mut cursor = self.cursor(case);
        for child in case.named_children(&mut cursor) {
            if child.ty() == "case_pattern" {
                self.visit_pattern(child);
            }
        }
        if let Some(guard) = case.field(Field::Guard) {
            self.visit_children(guard, Ctx::Load);
        }
        self.visit_body(case.field(Field::Consequence));
    }

    /// `symtable_visit_alias`.
    fn visit_alias(&mut self, node: Node<'t>) {
        let ident = match node.ty() {
            "aliased_import" => node.field(Field::Alias),
            "dotted_name" => node.named_child(0),
            "identifier" => Some(node),
            _ => None,
        };
        if let Some(ident) = ident {
            self.bind(ident, def::IMPORT, OccurrenceKind::Write);
        }
    }

    /// `global x, y` / `nonlocal x, y`.
    fn visit_declaration(&mut self, node: Node<'t>, global: bool) {
        let range = Self::range(node);
        let (kind, flag, occurrence) = if global {
            ("global", def::GLOBAL, OccurrenceKind::GlobalDecl)
        } else {
            ("nonlocal", def::NONLOCAL, OccurrenceKind::NonlocalDecl)
        };
        let mut cursor = self.cursor(node);
        let idents: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|c| c.ty() == "identifier")
            .collect();
        for ident in idents {
            let name = self.intern_node(ident);
            let cur = self.lookup(name);
            if cur & (def::PARAM | def::LOCAL | def::USE | def::ANNOT) != 0 {
                let shown = self.table.names.name(name).to_owned();
                let message = if cur & def::PARAM != 0 {
                    format!("name '{shown}' is parameter and {kind}")
                } else if cur & def::USE != 0 {
                    format!("name '{shown}' is used prior to {kind} declaration")
                } else if cur & def::ANNOT != 0 {
                    format!("annotated name '{shown}' can't be {kind}")
                } else {
                    format!("name '{shown}' is assigned to before {kind} declaration")
                };
                self.error(message, range);
                let stored = self.maybe_mangle(name);
                self.record(Self::range(ident), stored, occurrence);
                continue;
            }
            let stored = self.add_def(name, flag, range);
            self.record_directive(name, range);
            self.record(Self::range(ident), stored, occurrence);
        }
    }

    // ----- functions, classes, type parameters ---------------------------------------------

    fn params(&self, node: Option<Node<'t>>) -> Vec<Param<'t>> {
        let Some(node) = node else { return Vec::new() };
        let mut params = Vec::new();
        let mut keyword_only = false;
        let mut cursor = self.cursor(node);
        for child in node.named_children(&mut cursor) {
            let (inner, annotation, default) = match child.ty() {
                "typed_parameter" => (child.named_child(0), child.field(Field::Type), None),
                "default_parameter" => (child.field(Field::Name), None, child.field(Field::Value)),
                "typed_default_parameter" => (
                    child.field(Field::Name),
                    child.field(Field::Type),
                    child.field(Field::Value),
                ),
                "keyword_separator" => {
                    keyword_only = true;
                    continue;
                }
                "identifier" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    (Some(child), None, None)
                }
                _ => continue,
            };
            let Some(inner) = inner else { continue };
            let (name, kind) = match inner.ty() {
                "identifier" => (
                    inner,
                    if keyword_only {
                        ParamKind::KeywordOnly
                    } else {
                        ParamKind::Positional
                    },
                ),
                "list_splat_pattern" => {
                    keyword_only = true;
                    match inner.named_child(0) {
                        Some(n) if n.ty() == "identifier" => (n, ParamKind::VarArgs),
                        _ => continue,
                    }
                }
                "dictionary_splat_pattern" => match inner.named_child(0) {
                    Some(n) if n.ty() == "identifier" => (n, ParamKind::VarKeywords),
                    _ => continue,
                },
                _ => continue,
            };
            params.push(Param {
                name,
                kind,
                annotation,
                default,
            });
        }
        params
    }

    /// Defaults are evaluated in the enclosing block: positional ones first, then keyword-only.
    fn visit_defaults(&mut self, params: &[Param<'t>]) {
        for kind in [ParamKind::Positional, ParamKind::KeywordOnly] {
            for p in params.iter().filter(|p| p.kind == kind) {
                if let Some(default) = p.default {
                    self.visit_expr(default, Ctx::Load);
                }
            }
        }
    }

    /// `symtable_visit_arguments`: posonly + args, kwonly, *args, **kwargs.
    fn visit_arguments(&mut self, params: &[Param<'t>]) {
        for kind in [
            ParamKind::Positional,
            ParamKind::KeywordOnly,
            ParamKind::VarArgs,
            ParamKind::VarKeywords,
        ] {
            for p in params.iter().filter(|p| p.kind == kind) {
                self.bind(p.name, def::PARAM, OccurrenceKind::Param);
            }
        }
    }

    /// Argument annotations in CPython's order: positional, *args, **kwargs, keyword-only.
    fn visit_arg_annotations(&mut self, params: &[Param<'t>], returns: Option<Node<'t>>) {
        for kind in [
            ParamKind::Positional,
            ParamKind::VarArgs,
            ParamKind::VarKeywords,
            ParamKind::KeywordOnly,
        ] {
            for p in params.iter().filter(|p| p.kind == kind) {
                if let Some(annotation) = p.annotation {
                    self.cur_block().annotations_used = true;
                    self.visit_expr(annotation, Ctx::Load);
                }
            }
        }
        if let Some(returns) = returns {
            self.cur_block().annotations_used = true;
            self.visit_expr(returns, Ctx::Load);
        }
    }

    /// `symtable_visit_annotations` for a `def`, per version.
    fn visit_function_annotations(
        &mut self,
        def_node: Node<'t>,
        params: &[Param<'t>],
        returns: Option<Node<'t>>,
    ) {
        if self.at_least(PythonVersion::Py314) {
            let is_in_class = self.block(self.cur).can_see_class_scope;
            let parent_is_class = self.block(self.cur).ty == BlockType::Class;
            let mut block = Block::new(
                BlockType::Annotation,
                "__annotate__".into(),
                Self::line(def_node),
                Self::range(def_node),
            );
            block.focus = def_node.field(Field::Name).map_or(block.focus, Self::range);
            self.enter_block(block);
            if is_in_class || parent_is_class {
                self.cur_block().can_see_class_scope = true;
                let name = self.wk.classdict;
                self.add_def(name, def::USE, Self::range(def_node));
            }
            self.visit_arg_annotations(params, returns);
            self.exit_block();
            return;
        }
        if self.future_annotations {
            let block = Block::new(
                BlockType::Annotation,
                "_annotation".into(),
                Self::line(def_node),
                Self::range(def_node),
            );
            self.enter_block(block);
            self.visit_arg_annotations(params, None);
            self.exit_block();
            if let Some(returns) = returns {
                self.visit_annotation(returns);
            }
        } else {
            self.visit_arg_annotations(params, returns);
        }
    }

    fn visit_function(&mut self, node: Node<'t>, decorators: &[Node<'t>]) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let params = self.params(node.field(Field::Parameters));
        let returns = node.field(Field::ReturnType);
        let type_params = self.type_params(node.field(Field::TypeParameters));
        let is_async = node.child(0).is_some_and(|c| c.ty() == "async");
        let name = self.intern_node(name_node);
        let stored = self.add_def(name, def::LOCAL, Self::range(node));
        self.record(Self::range(name_node), stored, OccurrenceKind::Write);
        self.visit_defaults(&params);
        let code_line = decorators
            .first()
            .map_or(Self::line(node), |d| Self::line(*d));
        if !self.at_least(PythonVersion::Py312) {
            self.visit_function_annotations(node, &params, returns);
        }
        for &decorator in decorators {
            self.visit_expr(decorator, Ctx::Load);
        }
        let generic = !type_params.is_empty() && self.at_least(PythonVersion::Py312);
        if generic {
            let has_defaults = params
                .iter()
                .any(|p| p.kind == ParamKind::Positional && p.default.is_some());
            let has_kwdefaults = params
                .iter()
                .any(|p| p.kind == ParamKind::KeywordOnly && p.default.is_some());
            self.enter_type_param_block(
                node,
                name_node,
                code_line,
                has_defaults,
                has_kwdefaults,
                false,
            );
            self.visit_type_params(&type_params);
        }
        if self.at_least(PythonVersion::Py312) {
            self.visit_function_annotations(node, &params, returns);
        }
        let fn_name = self.text_of(name_node);
        let mut block = Block::new(
            BlockType::Function,
            normalize(fn_name).into_owned(),
            Self::line(node),
            Self::range(node),
        );
        block.focus = Self::range(name_node);
        block.header_end = self.header_colon_end(node);
        block.code_line = code_line;
        block.coroutine = is_async;
        self.enter_block(block);
        self.visit_arguments(&params);
        self.visit_body(node.field(Field::Body));
        self.exit_block();
        if generic {
            self.exit_block();
        }
    }

    fn visit_class(&mut self, node: Node<'t>, decorators: &[Node<'t>]) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let name = self.intern_node(name_node);
        let stored = self.add_def(name, def::LOCAL, Self::range(node));
        self.record(Self::range(name_node), stored, OccurrenceKind::Write);
        let superclasses = node.field(Field::Superclasses);
        let class_name = normalize(self.text_of(name_node)).into_owned();
        let code_line = decorators
            .first()
            .map_or(Self::line(node), |d| Self::line(*d));
        // 3.11 visits the bases before the decorators; 3.12+ after them (and the type params).
        let bases_first = !self.at_least(PythonVersion::Py312);
        if bases_first {
            self.visit_call_arguments(superclasses);
        }
        for &decorator in decorators {
            self.visit_expr(decorator, Ctx::Load);
        }
        let saved_private = self.private.clone();
        let type_params = self.type_params(node.field(Field::TypeParameters));
        let generic = !type_params.is_empty() && self.at_least(PythonVersion::Py312);
        if generic {
            self.enter_type_param_block(node, name_node, code_line, false, false, true);
            self.private = Some(class_name.clone());
            let set = self.mangled_sets.len();
            self.mangled_sets.push(FxHashSet::default());
            self.cur_block().mangled_names = Some(set);
            self.visit_type_params(&type_params);
        }
        if !bases_first {
            self.visit_call_arguments(superclasses);
        }
        let mut block = Block::new(
            BlockType::Class,
            class_name.clone(),
            Self::line(node),
            Self::range(node),
        );
        block.focus = Self::range(name_node);
        block.code_line = code_line;
        self.enter_block(block);
        self.private = Some(class_name);
        if generic {
            let range = Self::range(node);
            let (dunder, dot) = (self.wk.dunder_type_params, self.wk.type_params);
            self.add_def(dunder, def::LOCAL, range);
            self.add_def(dot, def::USE, range);
        }
        self.visit_body(node.field(Field::Body));
        self.exit_block();
        if generic {
            self.exit_block();
        }
        self.private = saved_private;
    }

    /// `symtable_enter_type_param_block`.
    fn enter_type_param_block(
        &mut self,
        node: Node<'t>,
        name_node: Node<'t>,
        code_line: u32,
        has_defaults: bool,
        has_kwdefaults: bool,
        is_class: bool,
    ) {
        let parent_is_class = self.block(self.cur).ty == BlockType::Class;
        let name = normalize(self.text_of(name_node)).into_owned();
        let mut block = Block::new(
            BlockType::TypeParams,
            name,
            Self::line(node),
            Self::range(node),
        );
        block.focus = Self::range(name_node);
        block.code_line = code_line;
        self.enter_block(block);
        let range = Self::range(node);
        if parent_is_class {
            self.cur_block().can_see_class_scope = true;
            let classdict = self.wk.classdict;
            self.add_def(classdict, def::USE, range);
        }
        if is_class {
            for dotted in [self.wk.type_params, self.wk.generic_base] {
                self.add_def(dotted, def::LOCAL, range);
                self.add_def(dotted, def::USE, range);
            }
        }
        if has_defaults {
            let defaults = self.wk.defaults;
            self.add_def(defaults, def::PARAM, range);
        }
        if has_kwdefaults {
            let kwdefaults = self.wk.kwdefaults;
            self.add_def(kwdefaults, def::PARAM, range);
        }
    }

    /// Reads the type parameters of a `type_parameter` node, recovering PEP 696 defaults that
    /// tree-sitter-python 0.25 parses as ERROR: the children are flattened (ERROR and
    /// `constrained_type` opened up), split on commas, and each piece read as
    /// `name [: bound] [= default]`.
    fn type_params(&mut self, node: Option<Node<'t>>) -> Vec<TypeParam<'t>> {
        let Some(node) = node else { return Vec::new() };
        let mut items: Vec<Node<'t>> = Vec::new();
        self.flatten_type_params(node, &mut items);
        items
            .split(|n| n.ty() == ",")
            .filter_map(Self::type_param)
            .collect()
    }

    fn flatten_type_params(&mut self, node: Node<'t>, out: &mut Vec<Node<'t>>) {
        let mut cursor = self.cursor(node);
        for child in node.children(&mut cursor) {
            match child.ty() {
                "ERROR" => {
                    self.recovered.push(Self::range(child));
                    self.flatten_type_params(child, out);
                }
                "constrained_type" => self.flatten_type_params(child, out),
                "type"
                    if child
                        .named_child(0)
                        .is_some_and(|c| c.ty() == "constrained_type") =>
                {
                    self.flatten_type_params(child, out)
                }
                "[" | "]" | "comment" => {}
                _ => out.push(child),
            }
        }
    }

    fn type_param(piece: &[Node<'t>]) -> Option<TypeParam<'t>> {
        let (first, last) = (piece.first()?, piece.last()?);
        let mut name = None;
        let mut bound = None;
        let mut default = None;
        let mut slot = 0; // 0: name, 1: bound, 2: default
        for &item in piece {
            match item.ty() {
                ":" => slot = 1,
                "=" => slot = 2,
                _ if !item.is_named() => {}
                _ => match slot {
                    0 if name.is_none() => name = type_param_name(item),
                    1 if bound.is_none() => bound = Some(item),
                    2 if default.is_none() => default = Some(item),
                    _ => {}
                },
            }
        }
        Some(TypeParam {
            name: name?,
            bound,
            default,
            range: TextRange::new(first.start_byte(), last.end_byte()),
            line: Self::line(*first),
        })
    }

    /// `symtable_visit_type_param` for each parameter.
    fn visit_type_params(&mut self, params: &[TypeParam<'t>]) {
        for tp in params {
            let name = self.intern_node(tp.name);
            let stored = self.add_def(name, def::TYPE_PARAM | def::LOCAL, tp.range);
            self.record(Self::range(tp.name), stored, OccurrenceKind::Write);
            let text = normalize(self.text_of(tp.name)).into_owned();
            for (expr, is_default) in [(tp.bound, false), (tp.default, true)] {
                let Some(expr) = expr else { continue };
                if is_default && !self.at_least(PythonVersion::Py313) {
                    continue;
                }
                let is_in_class = self.block(self.cur).can_see_class_scope;
                let line = if self.at_least(PythonVersion::Py313) {
                    Self::line(expr)
                } else {
                    tp.line
                };
                let mut block = Block::new(
                    BlockType::TypeVariable,
                    text.clone(),
                    line,
                    Self::range(expr),
                );
                block.focus = Self::range(tp.name);
                block.code_line = Self::line(expr);
                self.enter_block(block);
                self.cur_block().can_see_class_scope = is_in_class;
                if is_in_class {
                    let classdict = self.wk.classdict;
                    self.add_def(classdict, def::USE, Self::range(expr));
                }
                self.visit_expr(expr, Ctx::Load);
                self.exit_block();
            }
        }
    }

    fn visit_type_alias(&mut self, node: Node<'t>) {
        let Some(left) = node.field(Field::Left) else {
            return;
        };
        let inner = if left.ty() == "type" {
            left.named_child(0).unwrap_or(left)
        } else {
            left
        };
        let (name_node, tparams) = match inner.ty() {
            "identifier" => (inner, None),
            "generic_type" => match inner.named_child(0) {
                Some(n) if n.ty() == "identifier" => (n, inner.named_child(1)),
                _ => return,
            },
            _ => return self.visit_misparsed_type_call(node, inner),
        };
        self.visit_expr(name_node, Ctx::Store);
        let is_in_class = self.block(self.cur).ty == BlockType::Class;
        let type_params = self.type_params(tparams);
        let generic = !type_params.is_empty();
        if generic {
            self.enter_type_param_block(node, name_node, Self::line(node), false, false, false);
            self.visit_type_params(&type_params);
        }
        let name = normalize(self.text_of(name_node)).into_owned();
        let mut block = Block::new(
            BlockType::TypeAlias,
            name,
            Self::line(node),
            Self::range(node),
        );
        block.focus = Self::range(name_node);
        self.enter_block(block);
        self.cur_block().can_see_class_scope = is_in_class;
        let value = node.field(Field::Right);
        if is_in_class {
            let classdict = self.wk.classdict;
            let range = value.map_or(Self::range(node), Self::range);
            self.add_def(classdict, def::USE, range);
        }
        self.visit_opt(value, Ctx::Load);
        self.exit_block();
        if generic {
            self.exit_block();
        }
    }

    /// tree-sitter-python reads `type(x).attr = v` as a `type` statement whose "name" is
    /// `(x).attr`: visit it as the assignment it is (the call of `type`, the target, the value).
    fn visit_misparsed_type_call(&mut self, node: Node<'t>, target: Node<'t>) {
        if let Some(keyword) = node.child(0).filter(|k| k.ty() == "type") {
            let name = self.table.names.intern("type");
            let range = Self::range(keyword);
            let stored = self.add_def(name, def::USE, range);
            self.record(range, stored, OccurrenceKind::Read);
        }
        self.visit_expr(target, Ctx::Store);
        self.visit_opt(node.field(Field::Right), Ctx::Load);
    }

    // ----- expressions ---------------------------------------------------------------------

    fn visit_opt(&mut self, node: Option<Node<'t>>, ctx: Ctx) {
        if let Some(node) = node {
            self.visit_expr(node, ctx);
        }
    }

    fn visit_children(&mut self, node: Node<'t>, ctx: Ctx) {
        let mut cursor = self.cursor(node);
        for child in node.named_children(&mut cursor) {
            self.visit_expr(child, ctx);
        }
    }

    fn visit_expr(&mut self, node: Node<'t>, ctx: Ctx) {
        self.nested(|this| this.visit_expr_inner(node, ctx));
    }

    fn visit_expr_inner(&mut self, node: Node<'t>, ctx: Ctx) {
        match node.ty() {
            "identifier" => self.visit_name(node, ctx),
            "attribute" => self.visit_opt(node.field(Field::Object), Ctx::Load),
            "subscript" => {
                self.visit_opt(node.field(Field::Value), Ctx::Load);
                let mut cursor = self.cursor(node);
                for index in node.fields(Field::Subscript, &mut cursor) {
                    self.visit_expr(index, Ctx::Load);
                }
            }
            "call" => {
                self.visit_opt(node.field(Field::Function), Ctx::Load);
                match node.field(Field::Arguments) {
                    Some(args) if args.ty() == "argument_list" => {
                        self.visit_call_arguments(Some(args))
                    }
                    Some(genexp) => self.visit_expr(genexp, Ctx::Load),
                    None => {}
                }
            }
            "binary_operator" | "boolean_operator" => self.visit_operator_chain(node),
            "conditional_expression" => {
                // `body if test else orelse`: CPython visits test, body, orelse.
                let mut cursor = self.cursor(node);
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for index in [1, 0, 2] {
                    if let Some(&part) = parts.get(index) {
                        self.visit_expr(part, Ctx::Load);
                    }
                }
            }
            "lambda" => self.visit_lambda(node),
            "list_comprehension" => self.visit_comprehension(node, ScopeKind::ListComp),
            "set_comprehension" => self.visit_comprehension(node, ScopeKind::SetComp),
            "dictionary_comprehension" => self.visit_comprehension(node, ScopeKind::DictComp),
            "generator_expression" => self.visit_comprehension(node, ScopeKind::GenExpr),
            "named_expression" => self.visit_named_expr(node),
            "dictionary" => {
                let mut cursor = self.cursor(node);
                let items: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for item in &items {
                    if item.ty() == "pair" {
                        self.visit_opt(item.field(Field::Key), Ctx::Load);
                    }
                }
                for item in &items {
                    match item.ty() {
                        "pair" => self.visit_opt(item.field(Field::Value), Ctx::Load),
                        _ => self.visit_expr(*item, Ctx::Load),
                    }
                }
            }
            "yield" => {
                self.raise_if_annotation_block("yield expression", node);
                self.visit_children(node, Ctx::Load);
                let cur = self.cur;
                self.table.blocks[cur].generator = true;
                if let Some(kind) = self.block(cur).comprehension {
                    let what = match kind {
                        ScopeKind::ListComp => "list comprehension",
                        ScopeKind::SetComp => "set comprehension",
                        ScopeKind::DictComp => "dict comprehension",
                        _ => "generator expression",
                    };
                    self.error(format!("'yield' inside {what}"), Self::range(node));
                }
            }
            "await" => {
                self.raise_if_annotation_block("await expression", node);
                if self.at_least(PythonVersion::Py314) {
                    let block = self.block(self.cur);
                    if !block.is_function_like(true) {
                        self.error("'await' outside function".into(), Self::range(node));
                    } else if !(block.ty == BlockType::Function && block.coroutine)
                        && block.comprehension.is_none()
                    {
                        self.error("'await' outside async function".into(), Self::range(node));
                    }
                }
                self.visit_children(node, Ctx::Load);
                self.cur_block().coroutine = true;
            }
            "keyword_argument" => self.visit_opt(node.field(Field::Value), Ctx::Load),
            "pair" => {
                self.visit_opt(node.field(Field::Key), Ctx::Load);
                self.visit_opt(node.field(Field::Value), Ctx::Load);
            }
            "string"
            | "concatenated_string"
            | "interpolation"
            | "format_specifier"
            | "format_expression" => {
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    match child.ty() {
                        "string_content" | "string_start" | "string_end" | "escape_sequence"
                        | "type_conversion" => {}
                        _ => self.visit_expr(child, Ctx::Load),
                    }
                }
            }
            "type" => self.visit_children(node, ctx),
            "generic_type" => {
                // `list[int]` in an annotation: a subscript.
                self.visit_children(node, Ctx::Load);
            }
            "type_parameter" => self.visit_children(node, Ctx::Load),
            "member_type" => self.visit_opt(node.named_child(0), Ctx::Load),
            "dotted_name" => self.visit_opt(node.named_child(0), Ctx::Load),
            "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "ellipsis"
            | "comment"
            | "keyword_separator"
            | "positional_separator"
            | "string_content"
            | "escape_sequence"
            | "line_continuation"
            | "type_conversion" => {}
            "ERROR" => self.visit_error(node),
            // Statements that error recovery or `x: T = a = b` leave inside expressions.
            "expression_statement" => self.visit_stmt_inner(node),
            "block" => self.visit_body(Some(node)),
            "assignment" => self.visit_assignment(node),
            "augmented_assignment" => {
                self.visit_opt(node.field(Field::Left), Ctx::Store);
                self.visit_opt(node.field(Field::Right), Ctx::Load);
            }
            _ => self.visit_children(node, ctx),
        }
    }

    /// `a + b + c …` nests to the left; walk the spine without recursing on it.
    fn visit_operator_chain(&mut self, node: Node<'t>) {
        let mut spine = Vec::new();
        let mut leftmost = node;
        while matches!(leftmost.ty(), "binary_operator" | "boolean_operator") {
            spine.push(leftmost);
            match leftmost.field(Field::Left) {
                Some(left) => leftmost = left,
                None => break,
            }
        }
        if !matches!(leftmost.ty(), "binary_operator" | "boolean_operator") {
            self.visit_expr(leftmost, Ctx::Load);
        }
        for op in spine.into_iter().rev() {
            self.visit_opt(op.field(Field::Right), Ctx::Load);
        }
    }

    /// Call arguments: positional (and `*args`) first, then keywords (and `**kwargs`).
    fn visit_call_arguments(&mut self, args: Option<Node<'t>>) {
        let Some(args) = args else { return };
        let is_keyword = |n: &Node<'_>| matches!(n.ty(), "keyword_argument" | "dictionary_splat");
        let mut cursor = self.cursor(args);
        let mut any_keyword = false;
        for item in args.named_children(&mut cursor) {
            if is_keyword(&item) {
                any_keyword = true;
            } else {
                self.visit_expr(item, Ctx::Load);
            }
        }
        if !any_keyword {
            return;
        }
        for item in args.named_children(&mut cursor) {
            if !is_keyword(&item) {
                continue;
            }
            if item.ty() == "keyword_argument" {
                if let Some(name) = item.field(Field::Name) {
                    if self.at_least(PythonVersion::Py314) && self.text_of(name) == "__debug__" {
                        self.error("cannot assign to __debug__".into(), Self::range(item));
                    }
                }
            }
            self.visit_expr(item, Ctx::Load);
        }
    }

    fn visit_name(&mut self, node: Node<'t>, ctx: Ctx) {
        if self.block(self.cur).in_unevaluated_annotation {
            return;
        }
        let name = self.intern_node(node);
        let (flag, kind) = match ctx {
            Ctx::Load => (def::USE, OccurrenceKind::Read),
            Ctx::Store | Ctx::Del => (def::LOCAL, OccurrenceKind::Write),
        };
        let range = Self::range(node);
        let stored = self.add_def_ctx(name, flag, range, ctx);
        self.record(range, stored, kind);
        let function_like = self
            .block(self.cur)
            .is_function_like(self.at_least(PythonVersion::Py314));
        if ctx == Ctx::Load && name == self.wk.super_ && function_like {
            let class = self.wk.class;
            self.add_def(class, def::USE, range);
        }
    }

    fn visit_lambda(&mut self, node: Node<'t>) {
        let params = self.params(node.field(Field::Parameters));
        self.visit_defaults(&params);
        let mut block = Block::new(
            BlockType::Function,
            "lambda".into(),
            Self::line(node),
            Self::range(node),
        );
        block.is_lambda = true;
        block.focus = node.child(0).map_or(block.focus, Self::range);
        block.header_end = self.header_colon_end(node);
        self.enter_block(block);
        self.visit_arguments(&params);
        self.visit_opt(node.field(Field::Body), Ctx::Load);
        self.exit_block();
    }

    /// `symtable_handle_comprehension`.
    fn visit_comprehension(&mut self, node: Node<'t>, kind: ScopeKind) {
        let mut cursor = self.cursor(node);
        let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let body = node.field(Field::Body);
        let clauses: Vec<Node<'t>> = parts
            .iter()
            .copied()
            .filter(|p| matches!(p.ty(), "for_in_clause" | "if_clause"))
            .collect();
        let Some(&outermost) = clauses.first().filter(|c| c.ty() == "for_in_clause") else {
            self.visit_opt(body, Ctx::Load);
            return;
        };
        if self.version == PythonVersion::Py312 && self.block(self.cur).can_see_class_scope {
            self.error(
                "Cannot use comprehension in annotation scope within class scope".into(),
                Self::range(node),
            );
        }
        self.cur_block().comp_iter_expr += 1;
        self.visit_for_in_right(outermost);
        self.cur_block().comp_iter_expr -= 1;
        let mut block = Block::new(
            BlockType::Function,
            kind_name(kind).into(),
            Self::line(node),
            Self::range(node),
        );
        block.comprehension = Some(kind);
        block.focus = node.child(0).map_or(block.focus, Self::range);
        let outer_async = is_async_clause(outermost);
        block.coroutine = outer_async;
        self.enter_block(block);
        let dot0 = self.wk.dot0;
        let range = Self::range(node);
        self.add_def(dot0, def::PARAM, range);
        self.cur_block().comp_iter_target = true;
        self.visit_opt(outermost.field(Field::Left), Ctx::Store);
        self.cur_block().comp_iter_target = false;
        let mut rest = clauses[1..].iter().copied().peekable();
        while let Some(clause) = rest.next_if(|c| c.ty() == "if_clause") {
            self.visit_children(clause, Ctx::Load);
        }
        while let Some(clause) = rest.next() {
            if clause.ty() != "for_in_clause" {
                self.visit_children(clause, Ctx::Load);
                continue;
            }
            self.cur_block().comp_iter_target = true;
            self.visit_opt(clause.field(Field::Left), Ctx::Store);
            self.cur_block().comp_iter_target = false;
            self.cur_block().comp_iter_expr += 1;
            self.visit_for_in_right(clause);
            self.cur_block().comp_iter_expr -= 1;
            while let Some(cond) = rest.next_if(|c| c.ty() == "if_clause") {
                self.visit_children(cond, Ctx::Load);
            }
            if is_async_clause(clause) {
                self.cur_block().coroutine = true;
            }
        }
        match body {
            Some(pair) if pair.ty() == "pair" => {
                // dict comprehension: CPython visits the value, then the key.
                self.visit_opt(pair.field(Field::Value), Ctx::Load);
                self.visit_opt(pair.field(Field::Key), Ctx::Load);
            }
            other => self.visit_opt(other, Ctx::Load),
        }
        let is_generator = kind == ScopeKind::GenExpr;
        self.cur_block().generator = is_generator;
        let is_async = self.block(self.cur).coroutine && !is_generator;
        self.exit_block();
        if is_async {
            let parent = self.block(self.cur);
            let async_def = parent.ty == BlockType::Function && parent.coroutine;
            if self.at_least(PythonVersion::Py314) && !async_def && parent.comprehension.is_none() {
                self.error(
                    "asynchronous comprehension outside of an asynchronous function".into(),
                    Self::range(node),
                );
            }
            self.cur_block().coroutine = true;
        }
    }

    fn visit_for_in_right(&mut self, clause: Node<'t>) {
        let mut cursor = self.cursor(clause);
        for right in clause.fields(Field::Right, &mut cursor) {
            if right.is_named() {
                self.visit_expr(right, Ctx::Load);
            }
        }
    }

    /// `symtable_handle_namedexpr`.
    fn visit_named_expr(&mut self, node: Node<'t>) {
        self.raise_if_annotation_block("named expression", node);
        let target = node.field(Field::Name);
        if self.block(self.cur).comp_iter_expr > 0 {
            self.error(
                "assignment expression cannot be used in a comprehension iterable expression"
                    .into(),
                Self::range(node),
            );
        } else if self.block(self.cur).comprehension.is_some() {
            if let Some(target) = target {
                self.extend_namedexpr_scope(target);
            }
        }
        self.visit_opt(node.field(Field::Value), Ctx::Load);
        self.visit_opt(target, Ctx::Store);
    }

    /// `symtable_extend_namedexpr_scope`: a walrus in a comprehension binds in the enclosing
    /// function (or module).
    fn extend_namedexpr_scope(&mut self, target: Node<'t>) {
        let name = self.intern_node(target);
        let range = Self::range(target);
        for i in (0..self.stack.len()).rev() {
            let ste = self.stack[i];
            if self.block(ste).comprehension.is_some() {
                let mangled = self.maybe_mangle(name);
                let flags = self.block(ste).flags(mangled);
                if flags & def::COMP_ITER != 0 && flags & def::LOCAL != 0 {
                    let shown = self.table.names.name(name).to_owned();
                    self.error(
                        format!(
                            "assignment expression cannot rebind comprehension iteration variable '{shown}'"
                        ),
                        range,
                    );
                    return;
                }
                continue;
            }
            match self.block(ste).ty {
                BlockType::Function => {
                    let mangled = self.maybe_mangle(name);
                    let flags = self.block(ste).flags(mangled);
                    let flag = if flags & def::GLOBAL != 0 {
                        def::GLOBAL
                    } else {
                        def::NONLOCAL
                    };
                    self.add_def(name, flag, range);
                    self.record_directive(name, range);
                    self.add_def_helper(name, def::LOCAL, ste, range);
                    return;
                }
                BlockType::Module => {
                    self.add_def(name, def::GLOBAL, range);
                    self.record_directive(name, range);
                    self.add_def_helper(name, def::GLOBAL, ste, range);
                    return;
                }
                BlockType::Class => {
                    self.error(
                        "assignment expression within a comprehension cannot be used in a class body".into(),
                        range,
                    );
                    return;
                }
                BlockType::TypeParams => {
                    self.error(
                        "assignment expression within a comprehension cannot be used within the definition of a generic".into(),
                        range,
                    );
                    return;
                }
                BlockType::TypeAlias => {
                    self.error(
                        "assignment expression within a comprehension cannot be used in a type alias".into(),
                        range,
                    );
                    return;
                }
                BlockType::TypeVariable => {
                    self.error(
                        "assignment expression within a comprehension cannot be used in a TypeVar bound".into(),
                        range,
                    );
                    return;
                }
                BlockType::Annotation => continue,
            }
        }
    }

    /// `symtable_raise_if_annotation_block`.
    fn raise_if_annotation_block(&mut self, what: &str, node: Node<'t>) {
        let block = self.block(self.cur);
        let message = match block.ty {
            BlockType::Annotation if self.at_least(PythonVersion::Py314) => {
                format!("{what} cannot be used within an annotation")
            }
            BlockType::Annotation => format!("'{what}' can not be used within an annotation"),
            BlockType::TypeVariable => {
                format!("{what} cannot be used within a TypeVar bound")
            }
            BlockType::TypeAlias => format!("{what} cannot be used within a type alias"),
            BlockType::TypeParams => {
                format!("{what} cannot be used within the definition of a generic")
            }
            _ => return,
        };
        if block.detached {
            return;
        }
        self.error(message, Self::range(node));
    }

    // ----- match patterns ------------------------------------------------------------------

    fn visit_pattern(&mut self, node: Node<'t>) {
        self.nested(|this| this.visit_pattern_inner(node));
    }

    fn visit_pattern_inner(&mut self, node: Node<'t>) {
        match node.ty() {
            "dotted_name" => {
                let mut cursor = self.cursor(node);
                let idents: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                match idents.as_slice() {
                    [single] if self.text_of(*single) == "_" => {}
                    [single] => self.bind(*single, def::LOCAL, OccurrenceKind::Write),
                    [first, ..] => self.visit_name(*first, Ctx::Load),
                    [] => {}
                }
            }
            "identifier" => {
                if self.text_of(node) != "_" {
                    self.bind(node, def::LOCAL, OccurrenceKind::Write);
                }
            }
            "as_pattern" => {
                let mut cursor = self.cursor(node);
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                if let Some((alias, patterns)) = children.split_last() {
                    for p in patterns {
                        self.visit_pattern(*p);
                    }
                    let ident = if alias.ty() == "identifier" {
                        Some(*alias)
                    } else {
                        alias.named_child(0)
                    };
                    if let Some(ident) = ident.filter(|i| i.ty() == "identifier") {
                        self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                    }
                }
            }
            "splat_pattern" => {
                if let Some(ident) = node.named_child(0) {
                    if self.text_of(ident) != "_" {
                        self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                    }
                }
            }
            "dict_pattern" => {
                let mut cursor = self.cursor(node);
                for key in node.fields(Field::Key, &mut cursor) {
                    match key.ty() {
                        "dotted_name" => self.visit_opt(key.named_child(0), Ctx::Load),
                        _ => self.visit_expr(key, Ctx::Load),
                    }
                }
                let mut cursor = self.cursor(node);
                for value in node.fields(Field::Value, &mut cursor) {
                    self.visit_pattern(value);
                }
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    if child.ty() == "splat_pattern" {
                        self.visit_pattern(child);
                    }
                }
            }
            "class_pattern" => {
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    match child.ty() {
                        "dotted_name" => self.visit_opt(child.named_child(0), Ctx::Load),
                        _ => self.visit_pattern(child),
                    }
                }
            }
            "keyword_pattern" => {
                if let Some(value) = node.named_child(1) {
                    self.visit_pattern(value);
                }
            }
            "case_pattern" | "union_pattern" | "list_pattern" | "tuple_pattern" => {
                let mut cursor = self.cursor(node);
                for child in node.named_children(&mut cursor) {
                    self.visit_pattern(child);
                }
            }
            "string"
            | "concatenated_string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "complex_pattern"
            | "comment" => {}
            _ => self.visit_expr_inner(node, Ctx::Load),
        }
    }
}

/// `(x)` as an annotated-assignment target: a parenthesized expression, or the one-element
/// `tuple_pattern` tree-sitter produces for it.
fn is_parenthesized(node: Node<'_>) -> bool {
    match node.ty() {
        "parenthesized_expression" => true,
        "tuple_pattern" => {
            node.named_child_count() == 1 && {
                let mut cursor = node.walk();
                !node.children(&mut cursor).any(|c| c.ty() == ",")
            }
        }
        _ => false,
    }
}

/// The identifier naming a type parameter: `T`, `*Ts`, `**P` in any of tree-sitter's shapes.
fn type_param_name(node: Node<'_>) -> Option<Node<'_>> {
    match node.ty() {
        "identifier" => Some(node),
        "type" | "splat_type" | "list_splat" | "dictionary_splat" => {
            node.named_child(0).and_then(type_param_name)
        }
        _ => None,
    }
}

fn kind_name(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::ListComp => "listcomp",
        ScopeKind::SetComp => "setcomp",
        ScopeKind::DictComp => "dictcomp",
        _ => "genexpr",
    }
}

fn is_async_clause(clause: Node<'_>) -> bool {
    clause.child(0).is_some_and(|c| c.ty() == "async")
}

fn first_statement_line(root: Node<'_>) -> u32 {
    let mut cursor = root.walk();
    let first = root
        .named_children(&mut cursor)
        .find(|n| n.ty() != "comment");
    first.map_or(1, |n| n.start_position().row as u32 + 1)
}

/// Whether `from __future__ import annotations` appears among the module's leading statements.
fn has_future_annotations(root: Node<'_>, text: &str) -> bool {
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        match stmt.ty() {
            "comment" => continue,
            "expression_statement"
                if stmt
                    .named_child(0)
                    .is_some_and(|s| s.ty() == "string" || s.ty() == "concatenated_string") =>
            {
                continue;
            }
            "future_import_statement" => {
                let mut names = stmt.walk();
                let found = stmt.fields(Field::Name, &mut names).any(|n| {
                    let ident = if n.ty() == "aliased_import" {
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
