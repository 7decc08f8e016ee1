//! `def`, `class` and `lambda`: their parameters, defaults, decorators, annotations and blocks.

use rustc_hash::FxHashSet;

use super::{Collector, Ctx, expression_line};
use crate::analysis::blocks::{Block, BlockType, def};
use crate::analysis::errors::ErrorKind;
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{OccurrenceKind, PythonVersion};
use crate::analysis::names::normalize;

/// A parameter of a `def` or `lambda`, classified as CPython's `arguments` node would be.
struct Param<'t> {
    name: SyntaxNode<'t>,
    kind: ParamKind,
    annotation: Option<SyntaxNode<'t>>,
    default: Option<SyntaxNode<'t>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Positional,
    KeywordOnly,
    VarArgs,
    VarKeywords,
}

impl<'a, 't> Collector<'a, 't> {
    fn params(&self, node: Option<SyntaxNode<'t>>) -> Vec<Param<'t>> {
        let Some(node) = node else { return Vec::new() };
        let mut params = Vec::new();
        let mut keyword_only = false;
        for child in node.named_children(&self.cursors) {
            let (inner, annotation, default) = match child.kind() {
                Kind::TypedParameter => (child.named_child(0), child.field(Field::Type), None),
                Kind::DefaultParameter => {
                    (child.field(Field::Name), None, child.field(Field::Value))
                }
                Kind::TypedDefaultParameter => (
                    child.field(Field::Name),
                    child.field(Field::Type),
                    child.field(Field::Value),
                ),
                Kind::KeywordSeparator => {
                    keyword_only = true;
                    continue;
                }
                Kind::Identifier | Kind::ListSplatPattern | Kind::DictionarySplatPattern => {
                    (Some(child), None, None)
                }
                _ => continue,
            };
            let Some(inner) = inner else { continue };
            let (name, kind) = match inner.kind() {
                Kind::Identifier => (
                    inner,
                    if keyword_only {
                        ParamKind::KeywordOnly
                    } else {
                        ParamKind::Positional
                    },
                ),
                Kind::ListSplatPattern => {
                    keyword_only = true;
                    match inner.named_child(0) {
                        Some(n) if n.kind() == Kind::Identifier => (n, ParamKind::VarArgs),
                        _ => continue,
                    }
                }
                Kind::DictionarySplatPattern => match inner.named_child(0) {
                    Some(n) if n.kind() == Kind::Identifier => (n, ParamKind::VarKeywords),
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
    fn visit_arg_annotations(&mut self, params: &[Param<'t>], returns: Option<SyntaxNode<'t>>) {
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
        def_node: SyntaxNode<'t>,
        params: &[Param<'t>],
        returns: Option<SyntaxNode<'t>>,
    ) {
        if self.at_least(PythonVersion::Py314) {
            let is_in_class = self.block(self.cur).can_see_class_scope;
            let parent_is_class = self.block(self.cur).ty == BlockType::Class;
            let mut block = Block::new(
                BlockType::Annotation,
                "__annotate__".into(),
                def_node.line(),
                def_node.range(),
            );
            block.focus = def_node
                .field(Field::Name)
                .map_or(block.focus, SyntaxNode::range);
            self.enter_block(block);
            if is_in_class || parent_is_class {
                self.cur_block().can_see_class_scope = true;
                let name = self.wk.classdict;
                self.add_def(name, def::USE, def_node.range());
            }
            self.visit_arg_annotations(params, returns);
            self.exit_block();
            return;
        }
        if self.future_annotations {
            let block = Block::new(
                BlockType::Annotation,
                "_annotation".into(),
                def_node.line(),
                def_node.range(),
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

    pub(super) fn visit_function(&mut self, node: SyntaxNode<'t>, decorators: &[SyntaxNode<'t>]) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let params = self.params(node.field(Field::Parameters));
        let returns = node.field(Field::ReturnType);
        let type_params = self.type_params(node.field(Field::TypeParameters));
        let is_async = node
            .first_child()
            .is_some_and(|c| c.kind() == Kind::AsyncKeyword);
        let name = self.intern_node(name_node);
        let stored = self.add_def(name, def::LOCAL, node.range());
        self.record(name_node.range(), stored, OccurrenceKind::Write);
        let defaults_from = self.table.blocks.len();
        self.visit_defaults(&params);
        let code_line = decorators
            .first()
            .map_or(node.line(), |&d| expression_line(d));
        if !self.at_least(PythonVersion::Py312) {
            self.visit_function_annotations(node, &params, returns);
        }
        let decorators_from = self.table.blocks.len();
        for &decorator in decorators {
            self.visit_expr(decorator, Ctx::Load);
        }
        self.compiled_ahead(defaults_from, decorators_from);
        let generic = !type_params.is_empty() && self.at_least(PythonVersion::Py312);
        if generic {
            // CPython tests the defaults sequence against NULL, and the parser always makes one
            // (empty without defaults): every generic function gets `.defaults`.
            let has_defaults = true;
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
            node.line(),
            node.range(),
        );
        block.focus = name_node.range();
        block.header_end = self.header_colon_end(node);
        block.code_line = code_line;
        block.coroutine = is_async;
        self.enter_block(block);
        self.visit_arguments(&params);
        self.visit_scope_body(node, |this| this.visit_body(node.field(Field::Body)));
        self.exit_block();
        if generic {
            self.exit_block();
        }
    }

    pub(super) fn visit_class(&mut self, node: SyntaxNode<'t>, decorators: &[SyntaxNode<'t>]) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let name = self.intern_node(name_node);
        let stored = self.add_def(name, def::LOCAL, node.range());
        self.record(name_node.range(), stored, OccurrenceKind::Write);
        let superclasses = node.field(Field::Superclasses);
        let class_name = normalize(self.text_of(name_node)).into_owned();
        let code_line = decorators
            .first()
            .map_or(node.line(), |&d| expression_line(d));
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
            node.line(),
            node.range(),
        );
        block.focus = name_node.range();
        block.code_line = code_line;
        self.enter_block(block);
        self.private = Some(class_name);
        if generic {
            let range = node.range();
            let (dunder, dot) = (self.wk.dunder_type_params, self.wk.type_params);
            self.add_def(dunder, def::LOCAL, range);
            self.add_def(dot, def::USE, range);
        }
        self.visit_scope_body(node, |this| this.visit_body(node.field(Field::Body)));
        self.exit_block();
        if generic {
            self.exit_block();
        }
        self.private = saved_private;
    }

    pub(super) fn visit_lambda(&mut self, node: SyntaxNode<'t>) {
        if self.version == PythonVersion::Py312 && self.block(self.cur).can_see_class_scope {
            let what = "lambda";
            self.error(ErrorKind::InClassAnnotationScope { what }, node.range());
        }
        let params = self.params(node.field(Field::Parameters));
        self.visit_defaults(&params);
        let mut block = Block::new(
            BlockType::Function,
            "lambda".into(),
            node.line(),
            node.range(),
        );
        block.is_lambda = true;
        block.focus = node.first_child().map_or(block.focus, SyntaxNode::range);
        block.header_end = self.header_colon_end(node);
        self.enter_block(block);
        self.visit_arguments(&params);
        self.visit_scope_body(node, |this| {
            this.visit_opt(node.field(Field::Body), Ctx::Load)
        });
        self.exit_block();
    }
}
