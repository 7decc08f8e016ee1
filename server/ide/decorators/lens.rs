//! The code lens above a decorated definition: what its name becomes, and the cells it holds.

use std::sync::Arc;

use crate::analysis::TextRange;

use super::chain::{self, Decorated};
use super::render::Words;
use super::value::{Code, Value};
use super::{ModuleFile, ModuleSource, Target};

/// One lens above a decorated definition.
#[derive(Clone, Debug)]
pub struct DecoratedLens {
    /// The definition's name.
    pub range: TextRange,
    pub title: String,
    /// The functions the decorators ran and the one the name becomes.
    pub targets: Vec<Target>,
}

/// A lens for each decorated definition of `current` whose decorators closure-lens could follow
/// into a function of the workspace.
pub fn lenses(current: &Arc<ModuleFile>, source: &dyn ModuleSource) -> Vec<DecoratedLens> {
    (0..current.outline.defs.len())
        .filter(|&i| !current.outline.defs[i].decorators.is_empty())
        .filter_map(|i| lens(current, chain::decorated(current, source, i)))
        .collect()
}

fn lens(current: &Arc<ModuleFile>, mut decorated: Decorated) -> Option<DecoratedLens> {
    let followed = decorated
        .steps
        .iter()
        .flat_map(|s| &s.calls)
        .any(|c| c.frame.is_some());
    if !followed {
        return None;
    }
    let d = &current.outline.defs[decorated.def];
    let name = current.text(d.name).to_owned();
    let result = decorated.result().clone();
    let cells = match &result {
        Value::Function(f) => chain::cells(&mut decorated.eval, f),
        _ => Vec::new(),
    };
    let eval = &decorated.eval;
    let words = Words {
        eval,
        original: &name,
        kind: d.kind,
    };
    let title = match &result {
        Value::Function(f) => {
            let mut title = format!("becomes {}", eval.code_qualname(f.code));
            if !cells.is_empty() {
                title.push_str(&format!(", closing over {}", words.cell_list(&cells)));
            }
            if f.wraps.is_none() {
                title.push_str(" · no functools.wraps");
            }
            title
        }
        Value::Original => format!("stays {name}: returned unchanged"),
        Value::Unknown(why) => format!("not resolved: {why}"),
        other => format!("becomes {}", words.short(other)),
    };
    let mut targets: Vec<Target> = Vec::new();
    let mut add = |target: Target| {
        let seen = targets
            .iter()
            .any(|t| Arc::ptr_eq(&t.module, &target.module) && t.range == target.range);
        if !seen {
            targets.push(target);
        }
    };
    for call in decorated.steps.iter().flat_map(|s| &s.calls) {
        if let Some(frame) = call.frame {
            let def = eval.frame(frame).function;
            let module = eval.module(def.module);
            add(Target {
                module: Arc::clone(module),
                range: module.outline.defs[def.def].name,
            });
        }
    }
    if let Value::Function(f) = &result {
        if let Code::Def(def) = f.code {
            let module = eval.module(def.module);
            add(Target {
                module: Arc::clone(module),
                range: module.outline.defs[def.def].name,
            });
        }
    }
    Some(DecoratedLens {
        range: d.name,
        title,
        targets,
    })
}
