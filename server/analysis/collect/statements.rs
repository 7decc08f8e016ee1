//! Statements: CPython's `symtable_visit_stmt`, with assignments, annotations, `except`,
//! `with`, imports and `global` / `nonlocal`.

use super::{Collector, Ctx, expression_line, unparenthesized};
use crate::analysis::blocks::{Block, BlockType, def};
use crate::analysis::errors::{Declaration, ErrorKind};
use crate::analysis::grammar::{CursorPool, Field, Kind, SyntaxNode};
use crate::analysis::model::{OccurrenceKind, PythonVersion};

impl<'a, 't> Collector<'a, 't> {
    pub(super) fn visit_body(&mut self, block: Option<SyntaxNode<'t>>) {
        let Some(block) = block else { return };
        if let Some(focus) = self.focus.filter(|_| self.skips_others()) {
            // A focused run: in a class or the module, only the statement holding the focus.
            if let Some(child) = block.child_containing(focus) {
                self.visit_stmt(child);
            }
            return;
        }
        for child in block.named_children(&self.cursors) {
            self.visit_stmt(child);
        }
    }

    pub(super) fn visit_stmt(&mut self, node: SyntaxNode<'t>) {
        if self.skips_statement(node) {
            return;
        }
        self.nested(node, |this| this.visit_stmt_inner(node));
    }

    pub(super) fn visit_stmt_inner(&mut self, node: SyntaxNode<'t>) {
        match node.kind() {
            Kind::FunctionDefinition => self.visit_function(node, &[]),
            Kind::ClassDefinition => self.visit_class(node, &[]),
            Kind::DecoratedDefinition => {
                let decorators: Vec<SyntaxNode<'t>> = node
                    .named_children(&self.cursors)
                    .filter(|c| c.kind() == Kind::Decorator)
                    .filter_map(|d| d.named_child(0))
                    .collect();
                match node.field(Field::Definition) {
                    Some(d) if d.kind() == Kind::FunctionDefinition => {
                        self.visit_function(d, &decorators)
                    }
                    Some(d) if d.kind() == Kind::ClassDefinition => {
                        self.visit_class(d, &decorators)
                    }
                    _ => {
                        for d in decorators {
                            self.visit_expr(d, Ctx::Load);
                        }
                    }
                }
            }
            Kind::TypeAliasStatement => self.visit_type_alias(node),
            Kind::ExpressionStatement => {
                for child in node.named_children(&self.cursors) {
                    match child.kind() {
                        Kind::Assignment => self.visit_assignment(child),
                        Kind::AugmentedAssignment => {
                            self.visit_opt(child.field(Field::Left), Ctx::Store);
                            self.visit_opt(child.field(Field::Right), Ctx::Load);
                        }
                        _ => self.visit_expr(child, Ctx::Load),
                    }
                }
            }
            Kind::ReturnStatement | Kind::AssertStatement | Kind::RaiseStatement => {
                self.visit_children(node, Ctx::Load)
            }
            Kind::DeleteStatement => self.visit_children(node, Ctx::Del),
            Kind::PassStatement | Kind::BreakStatement | Kind::ContinueStatement => {}
            Kind::IfStatement => {
                self.visit_opt(node.field(Field::Condition), Ctx::Load);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Consequence));
                    for alt in node.fields(Field::Alternative, &this.cursors) {
                        this.visit_opt(alt.field(Field::Condition), Ctx::Load);
                        this.visit_body(
                            alt.field(Field::Consequence)
                                .or_else(|| alt.field(Field::Body)),
                        );
                    }
                });
            }
            Kind::ForStatement => {
                let target_from = self.table.blocks.len();
                self.visit_opt(node.field(Field::Left), Ctx::Store);
                let iterable_from = self.table.blocks.len();
                self.visit_opt(node.field(Field::Right), Ctx::Load);
                self.compiled_ahead(target_from, iterable_from);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Body));
                    this.visit_else(node);
                });
            }
            Kind::WhileStatement => {
                self.visit_opt(node.field(Field::Condition), Ctx::Load);
                self.conditional(|this| {
                    this.visit_body(node.field(Field::Body));
                    this.visit_else(node);
                });
            }
            Kind::TryStatement => self.conditional(|this| {
                this.visit_body(node.field(Field::Body));
                let clauses: Vec<SyntaxNode<'t>> = node.named_children(&this.cursors).collect();
                let visit_else = |this: &mut Self| {
                    for clause in &clauses {
                        if clause.kind() == Kind::ElseClause {
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
                    if clause.kind() == Kind::ExceptClause {
                        this.visit_except(*clause);
                    }
                }
                if !else_first {
                    visit_else(this);
                }
                for clause in &clauses {
                    if clause.kind() == Kind::FinallyClause {
                        this.visit_block_children(*clause);
                    }
                }
            }),
            Kind::WithStatement => self.conditional(|this| {
                for clause in node.named_children(&this.cursors) {
                    if clause.kind() == Kind::WithClause {
                        for item in clause.named_children(&this.cursors) {
                            this.visit_with_item(item);
                        }
                    }
                }
                this.visit_body(node.field(Field::Body));
            }),
            Kind::MatchStatement => {
                // `match a, b:` has one subject field per item.
                for subject in node.fields(Field::Subject, &self.cursors) {
                    self.visit_expr(subject, Ctx::Load);
                }
                self.conditional(|this| {
                    for body in node.fields(Field::Body, &this.cursors) {
                        for case in body.named_children(&this.cursors) {
                            if case.kind() == Kind::CaseClause {
                                this.visit_case(case);
                            }
                        }
                    }
                });
            }
            Kind::ImportStatement | Kind::FutureImportStatement => {
                for name in node.fields(Field::Name, &self.cursors) {
                    self.visit_alias(name);
                }
            }
            Kind::ImportFromStatement => {
                for child in node.named_children(&self.cursors) {
                    if child.kind() == Kind::WildcardImport {
                        self.has_star_import = true;
                        if self.block(self.cur).ty != BlockType::Module {
                            self.error(ErrorKind::ImportStarInFunction, child.range());
                        }
                    } else if node.field(Field::ModuleName) != Some(child) {
                        self.visit_alias(child);
                    }
                }
            }
            Kind::GlobalStatement => self.visit_declaration(node, true),
            Kind::NonlocalStatement => self.visit_declaration(node, false),
            // tree-sitter reads `print >> f, x` (a tuple in Python 3, whose first item shifts the
            // name `print`) as a Python 2 print statement: the name is still read.
            Kind::PrintStatement => {
                if let Some(keyword) = node.first_child() {
                    self.visit_name(keyword, Ctx::Load);
                }
                self.visit_children(node, Ctx::Load);
            }
            Kind::ExecStatement => self.visit_children(node, Ctx::Load),
            Kind::Error => self.visit_error(node),
            _ => self.visit_expr_inner(node, Ctx::Load),
        }
    }

    fn visit_block_children(&mut self, node: SyntaxNode<'t>) {
        for child in node.named_children(&self.cursors) {
            if child.kind() == Kind::Block {
                self.visit_body(Some(child));
            }
        }
    }

    fn visit_else(&mut self, node: SyntaxNode<'t>) {
        if let Some(alt) = node.field(Field::Alternative) {
            self.visit_body(alt.field(Field::Body));
        }
    }

    pub(super) fn visit_error(&mut self, node: SyntaxNode<'t>) {
        for child in node.named_children(&self.cursors) {
            // Bare identifiers inside an ERROR are usually half-typed tokens: not names.
            if child.kind() != Kind::Identifier {
                self.visit_stmt(child);
            }
        }
    }

    pub(super) fn visit_assignment(&mut self, node: SyntaxNode<'t>) {
        if let Some(annotation) = node.field(Field::Type) {
            return self.visit_ann_assign(node, annotation);
        }
        // `a = b = c` nests as assignment(a, assignment(b, c)): CPython visits a, b, then c.
        let mut targets = Vec::new();
        let mut value = Some(node);
        while let Some(n) = value {
            if n.kind() != Kind::Assignment || n.field(Field::Type).is_some() {
                break;
            }
            targets.push(n.field(Field::Left));
            value = n.field(Field::Right);
        }
        let targets_from = self.table.blocks.len();
        for target in targets {
            self.visit_opt(target, Ctx::Store);
        }
        let value_from = self.table.blocks.len();
        if let Some(value) = value {
            match value.kind() {
                Kind::Assignment => self.visit_assignment(value),
                Kind::AugmentedAssignment => self.visit_children(value, Ctx::Load),
                _ => self.visit_expr(value, Ctx::Load),
            }
        }
        self.compiled_ahead(targets_from, value_from);
    }

    fn visit_ann_assign(&mut self, node: SyntaxNode<'t>, annotation: SyntaxNode<'t>) {
        self.cur_block().annotations_used = true;
        let target = node.field(Field::Left);
        let value = node.field(Field::Right);
        match target {
            Some(target) if target.kind() == Kind::Identifier => {
                let name = self.intern_node(target);
                let cur = self.lookup(name);
                if cur & (def::GLOBAL | def::NONLOCAL) != 0 && self.cur != 0 {
                    let declaration = if cur & def::GLOBAL != 0 {
                        Declaration::Global
                    } else {
                        Declaration::Nonlocal
                    };
                    let name = self.table.names.name(name).to_owned();
                    self.error(
                        ErrorKind::AnnotatedDeclared { name, declaration },
                        node.range(),
                    );
                }
                let stored = self.add_def(name, def::ANNOT | def::LOCAL, target.range());
                self.record(target.range(), stored, OccurrenceKind::Write);
            }
            Some(target) if is_parenthesized(target, &self.cursors) => {
                // `(x): int = v` is not "simple": x is bound only when there is a value.
                let inner = target.named_child(0);
                match inner {
                    Some(inner) if inner.kind() == Kind::Identifier && value.is_some() => {
                        self.bind(inner, def::LOCAL, OccurrenceKind::Write);
                    }
                    Some(inner) if inner.kind() == Kind::Identifier => {}
                    Some(inner) => self.visit_expr(inner, Ctx::Store),
                    None => {}
                }
            }
            Some(target) => self.visit_expr(target, Ctx::Store),
            None => {}
        }
        // Before 3.14 a function compiles no annotation of its variables.
        let uncompiled =
            !self.at_least(PythonVersion::Py314) && self.block(self.cur).ty == BlockType::Function;
        let outer = self.in_uncompiled_annotation;
        self.in_uncompiled_annotation |= uncompiled;
        self.visit_annotation(annotation);
        self.in_uncompiled_annotation = outer;
        if let Some(value) = value {
            self.visit_expr(value, Ctx::Load);
        }
    }

    /// `symtable_visit_annotation` for a variable annotation.
    pub(super) fn visit_annotation(&mut self, annotation: SyntaxNode<'t>) {
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
            self.table.blocks[cur].annotates_conditionally = true;
            let name = self.wk.conditional_annotations;
            self.add_def(name, def::USE, annotation.range());
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
                    self.add_def(name, def::USE, annotation.range());
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

    fn annotation_block_for(&self, annotation: SyntaxNode<'t>) -> Block {
        let mut block = Block::new(
            BlockType::Annotation,
            "__annotate__".into(),
            expression_line(annotation),
            annotation.range(),
        );
        block.focus = annotation.range();
        block
    }

    fn visit_except(&mut self, clause: SyntaxNode<'t>) {
        for child in clause.named_children(&self.cursors) {
            match child.kind() {
                Kind::AsPattern => {
                    if let Some(kind) = child.named_child(0) {
                        self.visit_expr(kind, Ctx::Load);
                    }
                    if let Some(target) = child.field(Field::Alias) {
                        let ident = if target.kind() == Kind::Identifier {
                            Some(target)
                        } else {
                            target.named_child(0)
                        };
                        if let Some(ident) = ident.filter(|n| n.kind() == Kind::Identifier) {
                            self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                        }
                    }
                }
                Kind::Block => self.visit_body(Some(child)),
                _ => self.visit_expr(child, Ctx::Load),
            }
        }
    }

    fn visit_with_item(&mut self, item: SyntaxNode<'t>) {
        let Some(value) = item.field(Field::Value) else {
            return;
        };
        // `with (cm() as x):` (3.9+) reads as a parenthesized `as` pattern: still a binding.
        let value = match unparenthesized(value) {
            inner if inner.kind() == Kind::AsPattern => inner,
            _ => value,
        };
        if value.kind() == Kind::AsPattern {
            if let Some(context) = value.named_child(0) {
                self.visit_expr(context, Ctx::Load);
            }
            if let Some(target) = value.field(Field::Alias) {
                for t in target.named_children(&self.cursors) {
                    self.visit_expr(t, Ctx::Store);
                }
            }
        } else {
            self.visit_expr(value, Ctx::Load);
        }
    }

    /// `symtable_visit_alias`.
    fn visit_alias(&mut self, node: SyntaxNode<'t>) {
        let ident = match node.kind() {
            Kind::AliasedImport => node.field(Field::Alias),
            Kind::DottedName => node.named_child(0),
            Kind::Identifier => Some(node),
            _ => None,
        };
        if let Some(ident) = ident {
            self.bind(ident, def::IMPORT, OccurrenceKind::Write);
        }
    }

    /// `global x, y` / `nonlocal x, y`.
    fn visit_declaration(&mut self, node: SyntaxNode<'t>, global: bool) {
        let range = node.range();
        let (declaration, flag, occurrence) = if global {
            (Declaration::Global, def::GLOBAL, OccurrenceKind::GlobalDecl)
        } else {
            (
                Declaration::Nonlocal,
                def::NONLOCAL,
                OccurrenceKind::NonlocalDecl,
            )
        };
        let idents: Vec<SyntaxNode<'t>> = node
            .named_children(&self.cursors)
            .filter(|c| c.kind() == Kind::Identifier)
            .collect();
        for ident in idents {
            let name = self.intern_node(ident);
            let cur = self.lookup(name);
            if cur & (def::PARAM | def::LOCAL | def::USE | def::ANNOT) != 0 {
                let shown = self.table.names.name(name).to_owned();
                let kind = if cur & def::PARAM != 0 {
                    ErrorKind::ParameterDeclared {
                        name: shown,
                        declaration,
                    }
                } else if cur & def::USE != 0 {
                    ErrorKind::UsedBeforeDeclaration {
                        name: shown,
                        declaration,
                    }
                } else if cur & def::ANNOT != 0 {
                    ErrorKind::AnnotatedDeclared {
                        name: shown,
                        declaration,
                    }
                } else {
                    ErrorKind::AssignedBeforeDeclaration {
                        name: shown,
                        declaration,
                    }
                };
                self.error(kind, range);
                let stored = self.maybe_mangle(name);
                self.record(ident.range(), stored, occurrence);
                continue;
            }
            let stored = self.add_def(name, flag, range);
            self.record_directive(name, range);
            self.record(ident.range(), stored, occurrence);
        }
    }
}

/// `(x)` as an annotated-assignment target: a parenthesized expression, or the one-element
/// `tuple_pattern` tree-sitter produces for it.
fn is_parenthesized<'t>(node: SyntaxNode<'t>, pool: &CursorPool<'t>) -> bool {
    match node.kind() {
        Kind::ParenthesizedExpression => true,
        Kind::TuplePattern => {
            node.named_children(pool).count() == 1
                && !node.children(pool).any(|c| c.kind() == Kind::Comma)
        }
        _ => false,
    }
}
