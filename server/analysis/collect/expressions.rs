//! Expressions: CPython's `symtable_visit_expr`, with calls, comprehensions and walrus targets.

use super::{Collector, Ctx};
use crate::analysis::blocks::{Block, BlockType, def};
use crate::analysis::errors::{ErrorKind, RestrictedScope, WalrusPlace};
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{OccurrenceKind, PythonVersion, ScopeKind};

impl<'a, 't> Collector<'a, 't> {
    pub(super) fn visit_opt(&mut self, node: Option<SyntaxNode<'t>>, ctx: Ctx) {
        if let Some(node) = node {
            self.visit_expr(node, ctx);
        }
    }

    pub(super) fn visit_children(&mut self, node: SyntaxNode<'t>, ctx: Ctx) {
        for child in node.named_children(&self.cursors) {
            self.visit_expr(child, ctx);
        }
    }

    pub(super) fn visit_expr(&mut self, node: SyntaxNode<'t>, ctx: Ctx) {
        self.nested(node, |this| this.visit_expr_inner(node, ctx));
    }

    pub(super) fn visit_expr_inner(&mut self, node: SyntaxNode<'t>, ctx: Ctx) {
        match node.kind() {
            Kind::Identifier => self.visit_name(node, ctx),
            Kind::Attribute | Kind::Subscript | Kind::Call => self.visit_postfix_chain(node),
            Kind::BinaryOperator | Kind::BooleanOperator => self.visit_operator_chain(node),
            Kind::ConditionalExpression => {
                // `body if test else orelse`: CPython visits test, body, orelse.
                let parts: Vec<SyntaxNode<'t>> = node.named_children(&self.cursors).collect();
                for index in [1, 0, 2] {
                    if let Some(&part) = parts.get(index) {
                        self.visit_expr(part, Ctx::Load);
                    }
                }
            }
            Kind::Lambda => self.visit_lambda(node),
            Kind::ListComprehension => self.visit_comprehension(node, ScopeKind::ListComp),
            Kind::SetComprehension => self.visit_comprehension(node, ScopeKind::SetComp),
            Kind::DictionaryComprehension => self.visit_comprehension(node, ScopeKind::DictComp),
            Kind::GeneratorExpression => self.visit_comprehension(node, ScopeKind::GenExpr),
            Kind::NamedExpression => self.visit_named_expr(node),
            Kind::Dictionary => {
                let items: Vec<SyntaxNode<'t>> = node.named_children(&self.cursors).collect();
                for item in &items {
                    if item.kind() == Kind::Pair {
                        self.visit_opt(item.field(Field::Key), Ctx::Load);
                    }
                }
                for item in &items {
                    match item.kind() {
                        Kind::Pair => self.visit_opt(item.field(Field::Value), Ctx::Load),
                        _ => self.visit_expr(*item, Ctx::Load),
                    }
                }
            }
            Kind::Yield => {
                self.raise_if_annotation_block("yield expression", node);
                self.visit_children(node, Ctx::Load);
                let cur = self.cur;
                self.table.blocks[cur].generator = true;
                if let Some(comprehension) = self.block(cur).comprehension {
                    self.error(
                        ErrorKind::YieldInComprehension { comprehension },
                        node.range(),
                    );
                }
            }
            Kind::Await => {
                self.raise_if_annotation_block("await expression", node);
                if self.at_least(PythonVersion::Py314) {
                    let block = self.block(self.cur);
                    if !block.is_function_like(true) {
                        self.error(ErrorKind::AwaitOutsideFunction, node.range());
                    } else if !(block.ty == BlockType::Function && block.coroutine)
                        && block.comprehension.is_none()
                    {
                        self.error(ErrorKind::AwaitOutsideAsyncFunction, node.range());
                    }
                }
                self.visit_children(node, Ctx::Load);
                self.cur_block().coroutine = true;
            }
            Kind::KeywordArgument => self.visit_opt(node.field(Field::Value), Ctx::Load),
            Kind::Pair => {
                self.visit_opt(node.field(Field::Key), Ctx::Load);
                self.visit_opt(node.field(Field::Value), Ctx::Load);
            }
            Kind::String
            | Kind::ConcatenatedString
            | Kind::Interpolation
            | Kind::FormatSpecifier
            | Kind::FormatExpression => {
                for child in node.named_children(&self.cursors) {
                    match child.kind() {
                        Kind::StringContent
                        | Kind::StringStart
                        | Kind::StringEnd
                        | Kind::EscapeSequence
                        | Kind::TypeConversion => {}
                        _ => self.visit_expr(child, Ctx::Load),
                    }
                }
            }
            Kind::Type => self.visit_children(node, ctx),
            Kind::GenericType => {
                // `list[int]` in an annotation: a subscript.
                self.visit_children(node, Ctx::Load);
            }
            Kind::TypeParameter => self.visit_children(node, Ctx::Load),
            Kind::MemberType => self.visit_opt(node.named_child(0), Ctx::Load),
            Kind::DottedName => self.visit_opt(node.named_child(0), Ctx::Load),
            Kind::Integer
            | Kind::Float
            | Kind::True
            | Kind::False
            | Kind::None
            | Kind::Ellipsis
            | Kind::KeywordSeparator
            | Kind::PositionalSeparator
            | Kind::StringContent
            | Kind::EscapeSequence
            | Kind::TypeConversion => {}
            Kind::Error => self.visit_error(node),
            // Statements that error recovery or `x: T = a = b` leave inside expressions.
            Kind::ExpressionStatement => self.visit_stmt_inner(node),
            Kind::Block => self.visit_body(Some(node)),
            Kind::Assignment => self.visit_assignment(node),
            Kind::AugmentedAssignment => {
                self.visit_opt(node.field(Field::Left), Ctx::Store);
                self.visit_opt(node.field(Field::Right), Ctx::Load);
            }
            _ => self.visit_children(node, ctx),
        }
    }

    /// `a + b + c …` nests to the left; walk the spine without recursing on it.
    fn visit_operator_chain(&mut self, node: SyntaxNode<'t>) {
        let mut spine = Vec::new();
        let mut leftmost = node;
        while matches!(
            leftmost.kind(),
            Kind::BinaryOperator | Kind::BooleanOperator
        ) {
            spine.push(leftmost);
            match leftmost.field(Field::Left) {
                Some(left) => leftmost = left,
                None => break,
            }
        }
        if !matches!(
            leftmost.kind(),
            Kind::BinaryOperator | Kind::BooleanOperator
        ) {
            self.visit_expr(leftmost, Ctx::Load);
        }
        for op in spine.into_iter().rev() {
            self.visit_opt(op.field(Field::Right), Ctx::Load);
        }
    }

    /// `a.b(c)[d]…` nests to the left: walk the spine without recursing on it. CPython's parser
    /// reads such chains in a loop, so they may nest far deeper than what it parses recursively
    /// (and than [`super::MAX_DEPTH`]).
    fn visit_postfix_chain(&mut self, node: SyntaxNode<'t>) {
        let mut spine = Vec::new();
        let mut inner = Some(node);
        while let Some(link) = inner {
            let next = match link.kind() {
                Kind::Attribute => link.field(Field::Object),
                Kind::Subscript => link.field(Field::Value),
                Kind::Call => link.field(Field::Function),
                _ => break,
            };
            spine.push(link);
            inner = next;
        }
        self.visit_opt(inner, Ctx::Load);
        for link in spine.into_iter().rev() {
            match link.kind() {
                Kind::Subscript => {
                    for index in link.fields(Field::Subscript, &self.cursors) {
                        self.visit_expr(index, Ctx::Load);
                    }
                }
                Kind::Call => match link.field(Field::Arguments) {
                    Some(args) if args.kind() == Kind::ArgumentList => {
                        self.visit_call_arguments(Some(args))
                    }
                    Some(genexp) => self.visit_expr(genexp, Ctx::Load),
                    None => {}
                },
                _ => {}
            }
        }
    }

    /// Call arguments: positional (and `*args`) first, then keywords (and `**kwargs`).
    pub(super) fn visit_call_arguments(&mut self, args: Option<SyntaxNode<'t>>) {
        let Some(args) = args else { return };
        let is_keyword =
            |n: &SyntaxNode<'_>| matches!(n.kind(), Kind::KeywordArgument | Kind::DictionarySplat);
        let mut any_keyword = false;
        for item in args.named_children(&self.cursors) {
            if is_keyword(&item) {
                any_keyword = true;
            } else {
                self.visit_expr(item, Ctx::Load);
            }
        }
        if !any_keyword {
            return;
        }
        for item in args.named_children(&self.cursors) {
            if !is_keyword(&item) {
                continue;
            }
            if item.kind() == Kind::KeywordArgument {
                if let Some(name) = item.field(Field::Name) {
                    if self.at_least(PythonVersion::Py314) && self.text_of(name) == "__debug__" {
                        self.error(ErrorKind::DebugAssignment { delete: false }, item.range());
                    }
                }
            }
            self.visit_expr(item, Ctx::Load);
        }
    }

    pub(super) fn visit_name(&mut self, node: SyntaxNode<'t>, ctx: Ctx) {
        if self.block(self.cur).in_unevaluated_annotation {
            return;
        }
        let name = self.intern_node(node);
        let (flag, kind) = match ctx {
            Ctx::Load => (def::USE, OccurrenceKind::Read),
            Ctx::Store | Ctx::Del => (def::LOCAL, OccurrenceKind::Write),
        };
        let range = node.range();
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

    /// `symtable_handle_comprehension`.
    fn visit_comprehension(&mut self, node: SyntaxNode<'t>, kind: ScopeKind) {
        let parts: Vec<SyntaxNode<'t>> = node.named_children(&self.cursors).collect();
        let body = node.field(Field::Body);
        let clauses: Vec<SyntaxNode<'t>> = parts
            .iter()
            .copied()
            .filter(|p| matches!(p.kind(), Kind::ForInClause | Kind::IfClause))
            .collect();
        let Some(&outermost) = clauses.first().filter(|c| c.kind() == Kind::ForInClause) else {
            self.visit_opt(body, Ctx::Load);
            return;
        };
        if self.version == PythonVersion::Py312 && self.block(self.cur).can_see_class_scope {
            let what = "comprehension";
            self.error(ErrorKind::InClassAnnotationScope { what }, node.range());
        }
        self.cur_block().comp_iter_expr += 1;
        self.visit_for_in_right(outermost);
        self.cur_block().comp_iter_expr -= 1;
        let mut block = Block::new(
            BlockType::Function,
            kind_name(kind).into(),
            node.line(),
            node.range(),
        );
        block.comprehension = Some(kind);
        block.focus = node.first_child().map_or(block.focus, SyntaxNode::range);
        let outer_async = is_async_clause(outermost);
        block.coroutine = outer_async;
        self.enter_block(block);
        let dot0 = self.wk.dot0;
        let range = node.range();
        self.add_def(dot0, def::PARAM, range);
        self.cur_block().comp_iter_target = true;
        self.visit_opt(outermost.field(Field::Left), Ctx::Store);
        self.cur_block().comp_iter_target = false;
        let mut rest = clauses[1..].iter().copied().peekable();
        while let Some(clause) = rest.next_if(|c| c.kind() == Kind::IfClause) {
            self.visit_children(clause, Ctx::Load);
        }
        while let Some(clause) = rest.next() {
            if clause.kind() != Kind::ForInClause {
                self.visit_children(clause, Ctx::Load);
                continue;
            }
            let target_from = self.table.blocks.len();
            self.cur_block().comp_iter_target = true;
            self.visit_opt(clause.field(Field::Left), Ctx::Store);
            self.cur_block().comp_iter_target = false;
            let iterable_from = self.table.blocks.len();
            self.cur_block().comp_iter_expr += 1;
            self.visit_for_in_right(clause);
            self.cur_block().comp_iter_expr -= 1;
            self.compiled_ahead(target_from, iterable_from);
            while let Some(cond) = rest.next_if(|c| c.kind() == Kind::IfClause) {
                self.visit_children(cond, Ctx::Load);
            }
            if is_async_clause(clause) {
                self.cur_block().coroutine = true;
            }
        }
        match body {
            Some(pair) if pair.kind() == Kind::Pair => {
                // dict comprehension: CPython visits the value, then the key (and compiles
                // the key first).
                let value_from = self.table.blocks.len();
                self.visit_opt(pair.field(Field::Value), Ctx::Load);
                let key_from = self.table.blocks.len();
                self.visit_opt(pair.field(Field::Key), Ctx::Load);
                self.compiled_ahead(value_from, key_from);
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
                    ErrorKind::AsyncComprehensionOutsideAsyncFunction,
                    node.range(),
                );
            }
            self.cur_block().coroutine = true;
        }
    }

    fn visit_for_in_right(&mut self, clause: SyntaxNode<'t>) {
        for right in clause.fields(Field::Right, &self.cursors) {
            if right.is_named() {
                self.visit_expr(right, Ctx::Load);
            }
        }
    }

    /// `symtable_handle_namedexpr`.
    fn visit_named_expr(&mut self, node: SyntaxNode<'t>) {
        self.raise_if_annotation_block("named expression", node);
        let target = node.field(Field::Name);
        if self.block(self.cur).comp_iter_expr > 0 {
            self.error(ErrorKind::WalrusInComprehensionIterable, node.range());
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
    fn extend_namedexpr_scope(&mut self, target: SyntaxNode<'t>) {
        let name = self.intern_node(target);
        let range = target.range();
        // 3.11 looks the target up unmangled, so a private name in a class never matches.
        let looked_up = match self.at_least(PythonVersion::Py312) {
            true => self.maybe_mangle(name),
            false => name,
        };
        for i in (0..self.stack.len()).rev() {
            let ste = self.stack[i];
            if self.block(ste).comprehension.is_some() {
                let flags = self.block(ste).flags(looked_up);
                if flags & def::COMP_ITER != 0 && flags & def::LOCAL != 0 {
                    let name = self.table.names.name(name).to_owned();
                    self.error(ErrorKind::WalrusRebindsIterationVariable { name }, range);
                    return;
                }
                continue;
            }
            match self.block(ste).ty {
                BlockType::Function => {
                    let flags = self.block(ste).flags(looked_up);
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
                    let place = WalrusPlace::ClassBody;
                    self.error(ErrorKind::WalrusInComprehension { place }, range);
                    return;
                }
                BlockType::TypeParams => {
                    let place = WalrusPlace::Generic;
                    self.error(ErrorKind::WalrusInComprehension { place }, range);
                    return;
                }
                BlockType::TypeAlias => {
                    let place = WalrusPlace::TypeAlias;
                    self.error(ErrorKind::WalrusInComprehension { place }, range);
                    return;
                }
                BlockType::TypeVariable => {
                    let place = WalrusPlace::TypeVarBound;
                    self.error(ErrorKind::WalrusInComprehension { place }, range);
                    return;
                }
                BlockType::Annotation => continue,
            }
        }
    }

    /// `symtable_raise_if_annotation_block`.
    fn raise_if_annotation_block(&mut self, what: &'static str, node: SyntaxNode<'t>) {
        let block = self.block(self.cur);
        // Before 3.14 annotations have a block only under `from __future__ import annotations`
        // (detached), and the error is raised there too.
        let scope = match block.ty {
            BlockType::Annotation if self.at_least(PythonVersion::Py312) => {
                RestrictedScope::Annotation
            }
            BlockType::Annotation => RestrictedScope::AnnotationIn311,
            BlockType::TypeVariable => RestrictedScope::TypeVarBound,
            BlockType::TypeAlias => RestrictedScope::TypeAlias,
            BlockType::TypeParams => RestrictedScope::Generic,
            _ => return,
        };
        self.error(ErrorKind::InRestrictedScope { what, scope }, node.range());
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

fn is_async_clause(clause: SyntaxNode<'_>) -> bool {
    clause
        .first_child()
        .is_some_and(|c| c.kind() == Kind::AsyncKeyword)
}
