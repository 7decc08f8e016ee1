//! Go to definition through imports: a name bound by an import (or an attribute of a module in a
//! decorator) goes to the `def`, `class` or module it names in another file.

use std::sync::Arc;

use crate::analysis::{OccurrenceKind, TextRange};

use super::eval::Eval;
use super::outline::{Expr, ExprKind};
use super::value::{Code, ModIdx, Value};
use super::{ModuleFile, ModuleSource, Target};

/// Where the name at `offset` is defined, when that is in another module.
pub fn definition(
    current: &Arc<ModuleFile>,
    source: &dyn ModuleSource,
    offset: usize,
) -> Vec<Target> {
    let mut eval = Eval::new(Arc::clone(current), source);
    eval.apply_decorators = false;
    let value = if let Some(o) = current.analysis.occurrence_at(offset) {
        if matches!(
            o.kind,
            OccurrenceKind::GlobalDecl | OccurrenceKind::NonlocalDecl
        ) {
            return Vec::new();
        }
        eval.name_value(ModIdx::CURRENT, o.range, None)
    } else {
        match attribute_at(current, offset) {
            Some(expr) => eval.eval(ModIdx::CURRENT, &expr, None),
            None => return Vec::new(),
        }
    };
    target(&mut eval, &value).into_iter().collect()
}

/// The attribute expression whose attribute name holds `offset`, in a decorator.
fn attribute_at(current: &ModuleFile, offset: usize) -> Option<Expr> {
    fn find(expr: &Expr, offset: usize) -> Option<&Expr> {
        match &expr.kind {
            ExprKind::Attribute { object, name } => {
                if name.contains(offset) {
                    Some(expr)
                } else {
                    find(object, offset)
                }
            }
            ExprKind::Call {
                function,
                arguments,
            } => find(function, offset)
                .or_else(|| arguments.iter().find_map(|a| find(&a.value, offset))),
            _ => None,
        }
    }
    current
        .outline
        .defs
        .iter()
        .flat_map(|d| &d.decorators)
        .filter(|d| d.range.contains(offset))
        .find_map(|d| find(&d.expr, offset).cloned())
}

fn target(eval: &mut Eval, value: &Value) -> Option<Target> {
    let def = match value {
        Value::Function(f) => match f.code {
            Code::Def(def) => def,
            Code::Lambda { .. } => return None,
        },
        Value::Class(def) | Value::Instance(def) => *def,
        Value::Module { importer, spec } => {
            let module = eval.load_module(*importer, spec)?;
            return Some(Target {
                module: Arc::clone(eval.module(module)),
                range: TextRange::new(0, 0),
            });
        }
        _ => return None,
    };
    if def.module == ModIdx::CURRENT {
        return None;
    }
    let module = eval.module(def.module);
    Some(Target {
        module: Arc::clone(module),
        range: module.outline.defs[def.def].name,
    })
}
