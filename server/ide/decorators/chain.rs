//! Chains: what a decorated definition becomes, decorator by decorator (bottom first), and what
//! calling a function returns (through factories: `retry(times)` → `decorator(fn)` → `wrapper`).

use std::sync::Arc;

use super::args::Arg;
use super::eval::Eval;
use super::outline::DefKind;
use super::value::{CallRecord, Code, DefRef, Function, ModIdx, Origin, Value};
use super::{ModuleFile, ModuleSource};
use crate::ide::captures::{self, CaptureMode};

/// One decorator applied.
pub struct Step {
    /// Its index in the definition's decorators (source order).
    pub decorator: usize,
    /// The calls it made, in order: a factory call, then the application.
    pub calls: Vec<CallRecord>,
    /// What the definition's name is bound to after it.
    pub result: Value,
}

/// A decorated `def` or `class` of the current file, followed.
pub struct Decorated<'s> {
    pub eval: Eval<'s>,
    /// The definition (an index into the current file's outline).
    pub def: usize,
    /// In application order: the last decorator of the source first.
    pub steps: Vec<Step>,
}

impl Decorated<'_> {
    /// What the name is finally bound to.
    pub fn result(&self) -> &Value {
        self.steps.last().map_or(&Value::Original, |s| &s.result)
    }
}

/// Follows the decorators of the `def`-th definition of `current`'s outline.
pub fn decorated<'s>(
    current: &Arc<ModuleFile>,
    source: &'s dyn ModuleSource,
    def: usize,
) -> Decorated<'s> {
    let mut eval = Eval::new(Arc::clone(current), source);
    let d = &current.outline.defs[def];
    let def_ref = DefRef {
        module: ModIdx::CURRENT,
        def,
    };
    // Decorators are evaluated in the scope around the definition.
    let env = eval
        .def_scope(def_ref)
        .and_then(|scope| current.analysis.enclosing_function(scope))
        .and_then(|function| eval.frame_for(ModIdx::CURRENT, function, None));
    let name = current.text(d.name).to_owned();
    let mut value = Value::Original;
    let mut steps = Vec::new();
    for (index, decorator) in d.decorators.iter().enumerate().rev() {
        eval.trace.clear();
        let callee = eval.eval(ModIdx::CURRENT, &decorator.expr, env);
        value = eval.call(callee, vec![Arg::value(value, name.clone())]);
        steps.push(Step {
            decorator: index,
            calls: std::mem::take(&mut eval.trace),
            result: value.clone(),
        });
    }
    Decorated { eval, def, steps }
}

/// One call in a chain of returned functions.
pub struct Link {
    /// The function called (symbolically: its arguments unknown).
    pub function: DefRef,
    /// What it returns.
    pub result: Value,
}

/// What calling function `def` of `current` returns and, while that is a function of the
/// workspace whose own calls return a function too (a factory's decorator), what calling that
/// returns: at most 4 links.
pub fn returned<'s>(
    current: &Arc<ModuleFile>,
    source: &'s dyn ModuleSource,
    def: usize,
) -> (Eval<'s>, Vec<Link>) {
    let mut eval = Eval::new(Arc::clone(current), source);
    let mut links: Vec<Link> = Vec::new();
    let mut next = Some((
        DefRef {
            module: ModIdx::CURRENT,
            def,
        },
        None,
    ));
    while let Some((function, env)) = next.take() {
        if links.len() >= 4
            || eval.module(function.module).outline.defs[function.def].kind != DefKind::Function
        {
            break;
        }
        let Some(frame) = eval.symbolic_frame(function, env) else {
            break;
        };
        let result = eval.returns(function, frame);
        let returns_function = matches!(result, Value::Function(_));
        if !links.is_empty() && !returns_function {
            break;
        }
        if let Value::Function(f) = &result {
            if let Code::Def(inner) = f.code {
                if inner != function && !links.iter().any(|l| l.function == inner) {
                    next = Some((inner, f.env));
                }
            }
        }
        links.push(Link { function, result });
    }
    (eval, links)
}

/// One cell of a function's `__closure__`, with the value it holds when the function is made.
pub struct Cell {
    /// Position in `__closure__` (`co_freevars` order).
    pub index: usize,
    /// As the source spells it.
    pub name: String,
    pub value: Value,
    /// For a parameter of a followed call: where its value came from.
    pub origin: Option<Origin>,
    /// The scope owning the cell (`retry`).
    pub owner: Option<String>,
    pub mode: CaptureMode,
}

/// The cells of `function`'s `__closure__`, in order, with their values.
pub fn cells(eval: &mut Eval, function: &Function) -> Vec<Cell> {
    let (m, scope) = match function.code {
        Code::Def(def) => match eval.def_scope(def) {
            Some(scope) => (def.module, scope),
            None => return Vec::new(),
        },
        Code::Lambda { module, scope } => (module, scope),
    };
    let module = Arc::clone(eval.module(m));
    let file = module.view();
    captures::captures(&file, scope)
        .into_iter()
        .map(|c| {
            let (value, origin) = match c.owner {
                Some(owner) => eval.cell(m, owner, c.name, function.env),
                None => (Value::unknown("no enclosing scope binds it"), None),
            };
            Cell {
                index: c.index,
                name: c.display.clone(),
                value,
                origin,
                owner: c.owner.map(|o| file.scope_name(o)),
                mode: c.mode,
            }
        })
        .collect()
}
