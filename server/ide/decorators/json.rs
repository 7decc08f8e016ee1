//! The decorator facts as plain serialisable data, for `check`'s JSON formats: for each decorated
//! scope, its chain (one entry per decorator, in application order) with the calls made, what
//! the name is bound to after each decorator, and that function's cells.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::ScopeId;

use super::chain::{self, Cell};
use super::eval::Eval;
use super::render::Words;
use super::value::{CallRecord, Code, Origin, Value};
use super::{ModuleFile, ModuleSource};

/// One decorator applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The decorator as written, without `@` (on one line).
    pub decorator: String,
    /// Its 1-based line.
    pub line: u32,
    /// The calls it made: a factory call, then the application.
    pub calls: Vec<Call>,
    /// What the name is bound to after it.
    pub result: Bound,
}

/// A call the decorator made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// What was called: a function's or class's `__qualname__`, or the expression.
    pub callee: String,
    /// The module of the function called, when closure-lens followed it.
    pub module: Option<String>,
    /// The arguments as written.
    pub arguments: Vec<String>,
    /// Each parameter with what it was bound to (empty when the call was not followed).
    pub bound: Vec<Parameter>,
    /// What it returned (as `value` in [`CellValue`]), or why it was not followed.
    pub returns: CellValue,
}

/// A parameter of a followed call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub value: CellValue,
    /// `argument`, `default` or `collected` (by `*args` / `**kwargs`); `null` when undecidable.
    pub origin: Option<String>,
}

/// What a decorated name is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    #[serde(flatten)]
    pub value: CellValue,
    /// For a function or class: its module and 1-based line.
    pub module: Option<String>,
    pub line: Option<u32>,
    /// For a function: whether `functools.wraps` was applied to it.
    pub wraps: Option<bool>,
    /// For a function: its `__closure__`, in order.
    pub cells: Vec<ClosureCell>,
}

/// One cell of a `__closure__`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureCell {
    pub name: String,
    #[serde(flatten)]
    pub value: CellValue,
    /// `argument`, `default` or `collected` for a parameter of a followed call.
    pub origin: Option<String>,
    /// The scope owning the cell.
    pub owner: Option<String>,
}

/// A value: its kind and, where known, a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellValue {
    /// `literal`, `expression` (source text computed at run time), `original` (the decorated
    /// definition), `function`, `class`, `instance`, `module`, `parameter` (whatever a caller
    /// passes), `none`, `other` or `unknown`.
    pub kind: String,
    /// The source text (literal, expression), the `__qualname__` (function, class, instance),
    /// the name (original, parameter, module), or why it is unknown.
    pub value: String,
}

/// The chain of every decorated definition of `current`, by scope.
pub fn decorated(
    current: &Arc<ModuleFile>,
    source: &dyn ModuleSource,
) -> Vec<(ScopeId, Vec<Step>)> {
    (0..current.outline.defs.len())
        .filter(|&i| !current.outline.defs[i].decorators.is_empty())
        .filter_map(|i| Some((current.def_scope(i)?, steps(current, source, i))))
        .collect()
}

fn steps(current: &Arc<ModuleFile>, source: &dyn ModuleSource, def: usize) -> Vec<Step> {
    let mut decorated = chain::decorated(current, source, def);
    let d = &current.outline.defs[def];
    let name = current.text(d.name).to_owned();
    let cells: Vec<Vec<Cell>> = decorated
        .steps
        .iter()
        .map(|s| s.result.clone())
        .collect::<Vec<_>>()
        .iter()
        .map(|result| match result {
            Value::Function(f) => chain::cells(&mut decorated.eval, f),
            _ => Vec::new(),
        })
        .collect();
    let eval = &decorated.eval;
    let words = Words {
        eval,
        original: &name,
        kind: d.kind,
    };
    decorated
        .steps
        .iter()
        .zip(cells)
        .map(|(step, cells)| {
            let deco = &d.decorators[step.decorator];
            let text = current.text(deco.expr.range);
            Step {
                decorator: text.split_whitespace().collect::<Vec<_>>().join(" "),
                line: current.line(deco.range.start),
                calls: step.calls.iter().map(|c| call(&words, c)).collect(),
                result: bound(&words, &step.result, &cells),
            }
        })
        .collect()
}

fn origin(origin: Option<Origin>) -> Option<String> {
    match origin? {
        Origin::Argument => Some("argument".into()),
        Origin::Default => Some("default".into()),
        Origin::Collected => Some("collected".into()),
        Origin::Unknown => None,
    }
}

fn call(words: &Words, record: &CallRecord) -> Call {
    let eval = words.eval;
    let (callee, module) = match (&record.callee, record.frame) {
        (_, Some(frame)) => {
            let def = eval.frame(frame).function;
            (
                eval.qualname(def),
                Some(eval.module(def.module).name.clone()),
            )
        }
        (other, None) => (words.short(other), None),
    };
    let bound = record
        .frame
        .map(|frame| {
            eval.frame(frame)
                .params
                .iter()
                .map(|b| Parameter {
                    name: b.name.clone(),
                    value: value(words, &b.value),
                    origin: origin(Some(b.origin)),
                })
                .collect()
        })
        .unwrap_or_default();
    Call {
        callee,
        module,
        arguments: record.arguments.clone(),
        bound,
        returns: value(words, &record.result),
    }
}

fn bound(words: &Words, result: &Value, cells: &[Cell]) -> Bound {
    let eval = words.eval;
    let place = |def: super::value::DefRef| {
        let module = eval.module(def.module);
        (
            Some(module.name.clone()),
            Some(module.line(module.outline.defs[def.def].name.start)),
        )
    };
    let (module, line) = match result {
        Value::Function(f) => match f.code {
            Code::Def(def) => place(def),
            Code::Lambda { module, scope } => {
                let file = eval.module(module);
                (
                    Some(file.name.clone()),
                    Some(file.line(file.analysis.scope(scope).range.start)),
                )
            }
        },
        Value::Class(def) | Value::Instance(def) => place(*def),
        _ => (None, None),
    };
    Bound {
        value: value(words, result),
        module,
        line,
        wraps: match result {
            Value::Function(f) => Some(f.wraps.is_some()),
            _ => None,
        },
        cells: cells
            .iter()
            .map(|c| ClosureCell {
                name: c.name.clone(),
                value: value(words, &c.value),
                origin: origin(c.origin),
                owner: c.owner.clone(),
            })
            .collect(),
    }
}

/// A value's kind and text.
pub fn value(words: &Words, value: &Value) -> CellValue {
    let eval: &Eval = words.eval;
    let (kind, text) = match value {
        Value::Source(s) if s.literal => ("literal", s.text.clone()),
        Value::Source(s) => ("expression", s.text.clone()),
        Value::Original => ("original", words.original.to_owned()),
        Value::Function(f) => ("function", eval.code_qualname(f.code)),
        Value::Class(c) => ("class", eval.qualname(*c)),
        Value::Instance(c) => ("instance", eval.qualname(*c)),
        Value::Module { spec, .. } => ("module", spec.display()),
        Value::Parameter { name, .. } => ("parameter", name.clone()),
        Value::PyNone => ("none", "None".to_owned()),
        Value::Unknown(why) => ("unknown", why.clone()),
        other => ("other", words.short(other)),
    };
    CellValue {
        kind: kind.to_owned(),
        value: text,
    }
}
