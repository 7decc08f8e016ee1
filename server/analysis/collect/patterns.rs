//! `match` cases and their patterns: CPython's `symtable_visit_pattern`.

use super::{Collector, Ctx};
use crate::analysis::blocks::def;
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::OccurrenceKind;

impl<'a, 't> Collector<'a, 't> {
    pub(super) fn visit_case(&mut self, case: SyntaxNode<'t>) {
        for child in case.named_children(&self.cursors) {
            if child.kind() == Kind::CasePattern {
                self.visit_pattern(child);
            }
        }
        if let Some(guard) = case.field(Field::Guard) {
            self.visit_children(guard, Ctx::Load);
        }
        self.visit_body(case.field(Field::Consequence));
    }

    fn visit_pattern(&mut self, node: SyntaxNode<'t>) {
        self.nested(node, |this| this.visit_pattern_inner(node));
    }

    fn visit_pattern_inner(&mut self, node: SyntaxNode<'t>) {
        match node.kind() {
            Kind::DottedName => {
                let idents: Vec<SyntaxNode<'t>> = node.named_children(&self.cursors).collect();
                match idents.as_slice() {
                    [single] if self.text_of(*single) == "_" => {}
                    [single] => self.bind(*single, def::LOCAL, OccurrenceKind::Write),
                    [first, ..] => self.visit_name(*first, Ctx::Load),
                    [] => {}
                }
            }
            Kind::Identifier => {
                if self.text_of(node) != "_" {
                    self.bind(node, def::LOCAL, OccurrenceKind::Write);
                }
            }
            Kind::AsPattern => {
                let children: Vec<SyntaxNode<'t>> = node.named_children(&self.cursors).collect();
                if let Some((alias, patterns)) = children.split_last() {
                    for p in patterns {
                        self.visit_pattern(*p);
                    }
                    let ident = if alias.kind() == Kind::Identifier {
                        Some(*alias)
                    } else {
                        alias.named_child(0)
                    };
                    if let Some(ident) = ident.filter(|i| i.kind() == Kind::Identifier) {
                        self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                    }
                }
            }
            Kind::SplatPattern => {
                if let Some(ident) = node.named_child(0) {
                    if self.text_of(ident) != "_" {
                        self.bind(ident, def::LOCAL, OccurrenceKind::Write);
                    }
                }
            }
            Kind::DictPattern => {
                for key in node.fields(Field::Key, &self.cursors) {
                    match key.kind() {
                        Kind::DottedName => self.visit_opt(key.named_child(0), Ctx::Load),
                        _ => self.visit_expr(key, Ctx::Load),
                    }
                }
                for value in node.fields(Field::Value, &self.cursors) {
                    self.visit_pattern(value);
                }
                for child in node.named_children(&self.cursors) {
                    if child.kind() == Kind::SplatPattern {
                        self.visit_pattern(child);
                    }
                }
            }
            Kind::ClassPattern => {
                for child in node.named_children(&self.cursors) {
                    match child.kind() {
                        Kind::DottedName => self.visit_opt(child.named_child(0), Ctx::Load),
                        _ => self.visit_pattern(child),
                    }
                }
            }
            Kind::KeywordPattern => {
                if let Some(value) = node.named_child(1) {
                    self.visit_pattern(value);
                }
            }
            Kind::CasePattern | Kind::UnionPattern | Kind::ListPattern | Kind::TuplePattern => {
                for child in node.named_children(&self.cursors) {
                    self.visit_pattern(child);
                }
            }
            Kind::String
            | Kind::ConcatenatedString
            | Kind::Integer
            | Kind::Float
            | Kind::True
            | Kind::False
            | Kind::None
            | Kind::ComplexPattern => {}
            _ => self.visit_expr_inner(node, Ctx::Load),
        }
    }
}
