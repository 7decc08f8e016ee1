//! Hovers about decorators: on a decorated definition (its name or any part of its decorators)
//! what the name becomes; on a `return` or the `def` of a function that returns a closure, what a
//! caller gets.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::analysis::TextRange;
use crate::ide::hover::HoverResult;

use super::chain::{self, Decorated};
use super::outline::{Def, DefKind, Param, ParamKind};
use super::render::Words;
use super::value::{Code, DefRef, ModIdx, Value};
use super::{ModuleFile, ModuleSource};

/// The decorator hover at `offset` of `current`, put before `base` (the file's own hover there,
/// if any): one hover holding both.
pub fn hover(
    current: &Arc<ModuleFile>,
    source: &dyn ModuleSource,
    offset: usize,
    base: Option<HoverResult>,
) -> Option<HoverResult> {
    let ours = decorated_hover(current, source, offset)
        .or_else(|| returned_hover(current, source, offset));
    // On a decorator, ours says what applying it does: the file's own hover there would say it
    // again, less precisely.
    let on_decorator = current
        .outline
        .defs
        .iter()
        .flat_map(|d| &d.decorators)
        .any(|d| d.range.contains(offset));
    let base = base.filter(|_| !(on_decorator && ours.is_some()));
    match (ours, base) {
        (Some(ours), Some(base)) => Some(HoverResult {
            range: ours.range,
            markdown: format!("{}\n---\n\n{}", ours.markdown, base.markdown),
        }),
        (ours, base) => ours.or(base),
    }
}

/// The decorated definition whose decorators or `def … name` hold `offset`, and the range hovered.
fn decorated_at(current: &ModuleFile, offset: usize) -> Option<(usize, TextRange)> {
    let mut best: Option<(usize, TextRange)> = None;
    for (i, d) in current.outline.defs.iter().enumerate() {
        if d.decorators.is_empty() || !d.statement.contains(offset) {
            continue;
        }
        let on = d
            .decorators
            .iter()
            .find(|deco| deco.range.contains(offset))
            .map(|deco| deco.range)
            .or_else(|| {
                TextRange::new(d.range.start, d.name.end)
                    .contains(offset)
                    .then_some(d.name)
            });
        if let Some(range) = on {
            // The innermost definition wins (a decorated method of a decorated class).
            best = Some((i, range));
        }
    }
    best
}

fn decorated_hover(
    current: &Arc<ModuleFile>,
    source: &dyn ModuleSource,
    offset: usize,
) -> Option<HoverResult> {
    let (def, range) = decorated_at(current, offset)?;
    let decorated = chain::decorated(current, source, def);
    Some(HoverResult {
        range,
        markdown: decorated_markdown(current, decorated),
    })
}

/// The header lines of a definition: its decorators and its `def`/`class` line.
fn header(module: &ModuleFile, d: &Def) -> String {
    let end = module
        .text
        .get(d.name.end..)
        .and_then(|rest| rest.find('\n'))
        .map_or(module.text.len(), |i| d.name.end + i);
    let text = module.text(TextRange::new(d.statement.start, end));
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let shown = if lines.len() > 12 {
        let mut kept = lines[..10].to_vec();
        kept.push("…");
        kept.push(lines[lines.len() - 1]);
        kept
    } else {
        lines
    };
    format!("```python\n{}\n```\n", shown.join("\n"))
}

fn decorated_markdown(current: &Arc<ModuleFile>, mut decorated: Decorated) -> String {
    let d = &current.outline.defs[decorated.def];
    let name = current.text(d.name).to_owned();
    let mut md = header(current, d);
    let result = decorated.result().clone();
    let cells = match &result {
        Value::Function(f) => Some((chain::cells(&mut decorated.eval, f), f.clone())),
        _ => None,
    };
    let words = Words {
        eval: &decorated.eval,
        original: &name,
        kind: d.kind,
    };
    let _ = writeln!(md, "{}\n", words.becomes(&result));
    let many = decorated.steps.len() > 1;
    if many {
        md.push_str("Decorators apply bottom first:\n\n");
    }
    for (n, step) in decorated.steps.iter().enumerate() {
        let deco = &d.decorators[step.decorator];
        // Once a call fails, what follows would only repeat why.
        let failed = step
            .calls
            .iter()
            .position(|c| matches!(c.result, Value::Unknown(_)));
        let shown = failed.map_or(step.calls.len(), |i| i + 1);
        let calls: Vec<String> = step.calls[..shown].iter().map(|c| words.call(c)).collect();
        let lead = if many {
            format!("{}. ", n + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "{lead}`{}`: {}.",
            current
                .text(deco.range)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            if calls.is_empty() {
                "nothing followed".to_owned()
            } else {
                calls.join("; ")
            }
        );
    }
    if let Some((cells, function)) = cells {
        md.push('\n');
        md.push_str(&words.closure_table(&name, &cells));
        let _ = writeln!(md, "\n{}", words.wraps(&function, current.analysis.version));
    }
    md
}

/// A function's signature as a caller writes it: `retry(times, delay=0.1)`.
fn signature(module: &ModuleFile, d: &Def, qualname: &str) -> String {
    let params: Vec<String> = d
        .params
        .iter()
        .map(|p: &Param| {
            let name = match p.kind {
                ParamKind::VarPositional => format!("*{}", p.name),
                ParamKind::VarKeyword => format!("**{}", p.name),
                _ => p.name.clone(),
            };
            match &p.default {
                Some(default) => format!("{name}={}", module.text(default.range)),
                None => name,
            }
        })
        .collect();
    let short = qualname.rsplit('.').next().unwrap_or(qualname);
    format!("{short}({})", params.join(", "))
}

/// On a `return` statement, or on the `def … name` of a function: what calling it gives, when
/// that is a function (a closure, or a factory's decorator).
fn returned_hover(
    current: &Arc<ModuleFile>,
    source: &dyn ModuleSource,
    offset: usize,
) -> Option<HoverResult> {
    let (function, range) = current
        .outline
        .defs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DefKind::Function && d.range.contains(offset))
        .filter_map(|(i, d)| {
            let on_header = TextRange::new(d.range.start, d.name.end).contains(offset);
            let on_return = d.returns.iter().find(|r| r.range.contains(offset));
            match (on_header, on_return) {
                (true, _) => Some((i, d.name)),
                (false, Some(r)) => Some((i, r.range)),
                _ => None,
            }
        })
        .next_back()?;
    let on_return = range != current.outline.defs[function].name;
    // Start at the outermost enclosing function whose calls lead to this one (the factory).
    let mut start = function;
    if on_return {
        let enclosing: Vec<usize> = current
            .outline
            .defs
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                *i != function
                    && d.kind == DefKind::Function
                    && d.range.contains(current.outline.defs[function].range.start)
            })
            .map(|(i, _)| i)
            .collect();
        for outer in enclosing {
            let (_, links) = chain::returned(current, source, outer);
            if links.iter().any(|l| {
                l.function
                    == DefRef {
                        module: ModIdx::CURRENT,
                        def: function,
                    }
            }) {
                start = outer;
                break;
            }
        }
    }
    let (mut eval, links) = chain::returned(current, source, start);
    let last = links.last()?;
    let result = last.result.clone();
    let Value::Function(returned) = &result else {
        return None;
    };
    let cells = chain::cells(&mut eval, returned);
    let start_name = current.text(current.outline.defs[start].name).to_owned();
    let words = Words {
        eval: &eval,
        original: &start_name,
        kind: DefKind::Function,
    };
    let mut steps: Vec<String> = links
        .iter()
        .map(|l| {
            let module = eval.module(l.function.module);
            format!(
                "`{}`",
                signature(
                    module,
                    &module.outline.defs[l.function.def],
                    &eval.qualname(l.function)
                )
            )
        })
        .collect();
    steps.push(words.value(&result));
    let d = &current.outline.defs[function];
    let mut md = if on_return {
        format!(
            "```python\n{}\n```\n",
            current
                .text(
                    current.outline.defs[function]
                        .returns
                        .iter()
                        .find(|r| r.range == range)
                        .map_or(range, |r| r.range)
                )
                .lines()
                .next()
                .unwrap_or("")
        )
    } else {
        header(current, d)
    };
    let holder = match returned.code {
        Code::Def(def) => eval
            .qualname(def)
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_owned(),
        Code::Lambda { .. } => "<lambda>".to_owned(),
    };
    let _ = writeln!(
        md,
        "What a caller gets: {} ({}).\n",
        steps.join(" → "),
        match returned.code {
            Code::Def(def) => words.place(def),
            Code::Lambda { module, scope } => {
                format!(
                    "line {}",
                    eval.module(module)
                        .line(eval.module(module).analysis.scope(scope).range.start)
                )
            }
        }
    );
    md.push_str(&words.closure_table(&holder, &cells));
    Some(HoverResult {
        range,
        markdown: md,
    })
}
