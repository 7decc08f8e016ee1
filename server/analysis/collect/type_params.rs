//! PEP 695 type parameters and `type` statements: the hidden type-parameter, type-variable and
//! type-alias scopes (3.12+).

use super::{Collector, Ctx, expression_line};
use crate::analysis::blocks::{Block, BlockType, def};
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{OccurrenceKind, PythonVersion, TextRange};
use crate::analysis::names::normalize;

/// One type parameter (`T`, `T: bound`, `*Ts`, `**P`, each optionally `= default`).
pub(super) struct TypeParam<'t> {
    name: SyntaxNode<'t>,
    bound: Option<SyntaxNode<'t>>,
    default: Option<SyntaxNode<'t>>,
    range: TextRange,
    line: u32,
}

impl<'a, 't> Collector<'a, 't> {
    /// `symtable_enter_type_param_block`.
    pub(super) fn enter_type_param_block(
        &mut self,
        node: SyntaxNode<'t>,
        name_node: SyntaxNode<'t>,
        code_line: u32,
        has_defaults: bool,
        has_kwdefaults: bool,
        is_class: bool,
    ) {
        let parent_is_class = self.block(self.cur).ty == BlockType::Class;
        let name = normalize(self.text_of(name_node)).into_owned();
        let mut block = Block::new(BlockType::TypeParams, name, node.line(), node.range());
        block.focus = name_node.range();
        block.code_line = code_line;
        self.enter_block(block);
        let range = node.range();
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
    pub(super) fn type_params(&mut self, node: Option<SyntaxNode<'t>>) -> Vec<TypeParam<'t>> {
        let Some(node) = node else { return Vec::new() };
        let mut items: Vec<SyntaxNode<'t>> = Vec::new();
        self.flatten_type_params(node, &mut items);
        items
            .split(|n| n.kind() == Kind::Comma)
            .filter_map(Self::type_param)
            .collect()
    }

    fn flatten_type_params(&mut self, node: SyntaxNode<'t>, out: &mut Vec<SyntaxNode<'t>>) {
        for child in node.children(&self.cursors) {
            match child.kind() {
                Kind::Error => {
                    self.recovered.push(child.range());
                    self.flatten_type_params(child, out);
                }
                Kind::ConstrainedType => self.flatten_type_params(child, out),
                Kind::Type
                    if child
                        .named_child(0)
                        .is_some_and(|c| c.kind() == Kind::ConstrainedType) =>
                {
                    self.flatten_type_params(child, out)
                }
                Kind::LeftBracket | Kind::RightBracket => {}
                _ => out.push(child),
            }
        }
    }

    fn type_param(piece: &[SyntaxNode<'t>]) -> Option<TypeParam<'t>> {
        let (first, last) = (piece.first()?, piece.last()?);
        let mut name = None;
        let mut bound = None;
        let mut default = None;
        let mut slot = 0; // 0: name, 1: bound, 2: default
        for &item in piece {
            match item.kind() {
                Kind::Colon => slot = 1,
                Kind::Equals => slot = 2,
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
            line: first.line(),
        })
    }

    /// `symtable_visit_type_param` for each parameter.
    pub(super) fn visit_type_params(&mut self, params: &[TypeParam<'t>]) {
        for tp in params {
            let name = self.intern_node(tp.name);
            let stored = self.add_def(name, def::TYPE_PARAM | def::LOCAL, tp.range);
            self.record(tp.name.range(), stored, OccurrenceKind::Write);
            let text = normalize(self.text_of(tp.name)).into_owned();
            for (expr, is_default) in [(tp.bound, false), (tp.default, true)] {
                let Some(expr) = expr else { continue };
                if is_default && !self.at_least(PythonVersion::Py313) {
                    continue;
                }
                let is_in_class = self.block(self.cur).can_see_class_scope;
                let line = if self.at_least(PythonVersion::Py313) {
                    expression_line(expr)
                } else {
                    tp.line
                };
                let mut block =
                    Block::new(BlockType::TypeVariable, text.clone(), line, expr.range());
                block.focus = tp.name.range();
                block.code_line = expression_line(expr);
                self.enter_block(block);
                self.cur_block().can_see_class_scope = is_in_class;
                if is_in_class {
                    let classdict = self.wk.classdict;
                    self.add_def(classdict, def::USE, expr.range());
                }
                self.visit_expr(expr, Ctx::Load);
                self.exit_block();
            }
        }
    }

    pub(super) fn visit_type_alias(&mut self, node: SyntaxNode<'t>) {
        let Some(left) = node.field(Field::Left) else {
            return;
        };
        let inner = if left.kind() == Kind::Type {
            left.named_child(0).unwrap_or(left)
        } else {
            left
        };
        let (name_node, tparams) = match inner.kind() {
            Kind::Identifier => (inner, None),
            Kind::GenericType => match inner.named_child(0) {
                Some(n) if n.kind() == Kind::Identifier => (n, inner.named_child(1)),
                _ => return,
            },
            _ => return self.visit_misparsed_type_call(node, inner),
        };
        self.visit_expr(name_node, Ctx::Store);
        let is_in_class = self.block(self.cur).ty == BlockType::Class;
        let type_params = self.type_params(tparams);
        let generic = !type_params.is_empty();
        if generic {
            self.enter_type_param_block(node, name_node, node.line(), false, false, false);
            self.visit_type_params(&type_params);
        }
        let name = normalize(self.text_of(name_node)).into_owned();
        let mut block = Block::new(BlockType::TypeAlias, name, node.line(), node.range());
        block.focus = name_node.range();
        self.enter_block(block);
        self.cur_block().can_see_class_scope = is_in_class;
        let value = node.field(Field::Right);
        if is_in_class {
            let classdict = self.wk.classdict;
            let range = value.map_or(node.range(), SyntaxNode::range);
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
    fn visit_misparsed_type_call(&mut self, node: SyntaxNode<'t>, target: SyntaxNode<'t>) {
        if let Some(keyword) = node.first_child().filter(|k| k.kind() == Kind::TypeKeyword) {
            let name = self.table.names.intern("type");
            let range = keyword.range();
            let stored = self.add_def(name, def::USE, range);
            self.record(range, stored, OccurrenceKind::Read);
        }
        self.visit_expr(target, Ctx::Store);
        self.visit_opt(node.field(Field::Right), Ctx::Load);
    }
}

/// The identifier naming a type parameter: `T`, `*Ts`, `**P` in any of tree-sitter's shapes.
fn type_param_name(node: SyntaxNode<'_>) -> Option<SyntaxNode<'_>> {
    match node.kind() {
        Kind::Identifier => Some(node),
        Kind::Type | Kind::SplatType | Kind::ListSplat | Kind::DictionarySplat => {
            node.named_child(0).and_then(type_param_name)
        }
        _ => None,
    }
}
