//! The `functools.partial` fix of a `def` made in a loop: the loop's variables become keyword-only
//! parameters of the function, and every use of its name passes them — `check(5, limit=limit)`
//! where it is called, `functools.partial(check, limit=limit)` where it is kept.
//!
//! Correct where each use runs in the iteration that made the function, after it and before
//! anything rebinds the variables ([`NameUse`] holds the uses the analysis found safe to wrap):
//! the values passed are then the ones the function was made with. Not safe by default: a
//! `partial` object is no function (no `__name__`, no method binding), which code that
//! introspects what it stored may notice.

use super::Rebound;
use crate::analysis::{
    LoopClosure, NameUse, PassAt, Resolution, ScopeId, ScopeKind, SymbolId, TextRange,
};
use crate::ide::FileView;
use crate::ide::diagnostics::{Edit, Fix};

pub(super) fn fix(file: &FileView, closure: &LoopClosure, rebound: &[&Rebound]) -> Option<Fix> {
    let uses = closure.name_uses.as_ref()?;
    let slot = closure.defaults.as_ref()?;
    let analysis = file.analysis;
    let scope = analysis.scope(closure.scope);
    let frame = analysis.defining_scope(closure.scope)?;
    // A parameter of that name would not be a capture; keyword names are never mangled, so a
    // private name (`__x` in a class) cannot be passed by keyword.
    let passable = |r: &&Rebound| {
        !scope.params.contains(&r.name) && *analysis.symbol(r.variable).name == *r.name
    };
    if !rebound.iter().all(passable)
        || !uses_see_the_definition_values(file, closure, uses, rebound)
    {
        return None;
    }
    let keywords: Vec<String> = rebound.iter().map(|r| format!("{0}={0}", r.name)).collect();
    let keywords = keywords.join(", ");
    let function = file.scope_name(closure.scope);
    let mut edits = vec![Edit {
        range: TextRange::new(slot.at, slot.at),
        new_text: format!(
            "{}{}{}",
            slot.before,
            rebound
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            slot.after
        ),
    }];
    let wraps = uses.iter().any(|u| u.how == PassAt::Value);
    let partial = if wraps {
        Some(partial_spelling(file, frame, scope.range.start)?)
    } else {
        None
    };
    for u in uses {
        match &u.how {
            PassAt::Call { callee, at, before } => {
                if let Some(callee) = callee {
                    if !is_functools_partial(file, *callee) {
                        return None;
                    }
                }
                edits.push(Edit {
                    range: TextRange::new(*at, *at),
                    new_text: format!("{before}{keywords}"),
                });
            }
            PassAt::Value => {
                let (spelled, _) = partial.as_ref()?;
                edits.push(Edit {
                    range: u.range,
                    new_text: format!("{spelled}({function}, {keywords})"),
                });
            }
        }
    }
    let names: Vec<String> = rebound.iter().map(|r| format!("`{}`", r.name)).collect();
    let parameters = match names.as_slice() {
        [one] => format!("{one} a keyword-only parameter"),
        _ => format!("{} keyword-only parameters", names.join(", ")),
    };
    let partial_call = uses.iter().find_map(|u| match u.how {
        PassAt::Call {
            callee: Some(callee),
            ..
        } => Some(file.text(callee)),
        _ => None,
    });
    let mut title = format!("Make {parameters} of `{function}`, ");
    match partial {
        Some((spelled, Some(import))) => {
            title.push_str(&format!(
                "bound per iteration with `{spelled}` (adds `import functools`)"
            ));
            edits.push(import);
        }
        Some((spelled, None)) => title.push_str(&format!("bound per iteration with `{spelled}`")),
        None => match partial_call {
            Some(callee) => title.push_str(&format!("passed by `{callee}`")),
            None => title.push_str("passed at each call"),
        },
    }
    Some(Fix {
        title,
        safe: false,
        edits,
    })
}

/// Whether no rebinding of the variables can run between the `def` and a use of its name (the
/// uses are after it in its block, in the same iteration): each use then passes the values the
/// function was made with.
fn uses_see_the_definition_values(
    file: &FileView,
    closure: &LoopClosure,
    uses: &[NameUse],
    rebound: &[&Rebound],
) -> bool {
    let analysis = file.analysis;
    let start = analysis.scope(closure.scope).range.start;
    let end = uses.iter().map(|u| u.range.end).max().unwrap_or(start);
    rebound.iter().all(|r| {
        analysis
            .bindings_of(r.variable)
            .all(|b| b.range.start < start || b.range.start >= end)
    })
}

/// The line break the text's first line ends with (`\n` when it has none): what an import
/// added to the text ends with. Found from the first line only, as editors do: this runs once
/// per diagnostic, and a file can have thousands.
fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(end) if text[..end].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// How the frame `frame` can spell `functools.partial` in code at `before` (the `def`): a
/// `partial` or `functools` the module imports, else `functools.partial` with an import to add
/// when the module has no `functools` of its own. `None` when a local name would shadow it.
fn partial_spelling(
    file: &FileView,
    frame: ScopeId,
    before: usize,
) -> Option<(String, Option<Edit>)> {
    for (name, path, spelled) in [
        ("partial", "functools.partial", "partial"),
        ("functools", "functools", "functools.partial"),
    ] {
        if let Some(global) = file.analysis.symbol_id(ScopeId::MODULE, name) {
            if imported_only(file, global, path, before) && global_seen_from(file, frame, name) {
                return Some((spelled.to_owned(), None));
            }
        }
    }
    let module_binds_it = file
        .analysis
        .symbol_id(ScopeId::MODULE, "functools")
        .is_some_and(|g| file.analysis.bindings_of(g).next().is_some());
    if module_binds_it || !global_seen_from(file, frame, "functools") {
        return None;
    }
    let at = file
        .analysis
        .facts
        .module_start
        .filter(|&at| at <= before)?;
    let newline = line_break(file.text);
    // Among the imports, or on its own before the code.
    let next = &file.text[at..];
    let gap = if next.starts_with("import ") || next.starts_with("from ") {
        ""
    } else {
        newline
    };
    Some((
        "functools.partial".to_owned(),
        Some(Edit {
            range: TextRange::new(at, at),
            new_text: format!("import functools{newline}{gap}"),
        }),
    ))
}

/// Whether the global `variable` is bound only by top-level imports of `path`, all before
/// `before`.
fn imported_only(file: &FileView, variable: SymbolId, path: &str, before: usize) -> bool {
    let imports = &file.analysis.facts.module_imports;
    let mut bindings = file.analysis.bindings_of(variable).peekable();
    bindings.peek().is_some()
        && bindings.all(|b| {
            b.range.end <= before && imports.iter().any(|i| i.name == b.range && i.path == path)
        })
}

/// Whether a read of `name` added to `scope` would find the module's global: no scope on the
/// way binds it (class bodies around a function are not on the way).
fn global_seen_from(file: &FileView, scope: ScopeId, name: &str) -> bool {
    let analysis = file.analysis;
    for s in std::iter::once(scope).chain(analysis.ancestors(scope)) {
        let current = analysis.scope(s);
        if current.kind == ScopeKind::Module {
            return true;
        }
        if s != scope && current.kind == ScopeKind::Class {
            continue;
        }
        if let Some(symbol) = current.symbol(name) {
            return matches!(
                symbol.resolution,
                Resolution::GlobalExplicit | Resolution::GlobalImplicit
            );
        }
    }
    true
}

/// Whether the callee `callee` is `functools.partial`, through an import of either name.
fn is_functools_partial(file: &FileView, callee: TextRange) -> bool {
    let analysis = file.analysis;
    let spelled: String = file
        .text(callee)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (name, path) = match spelled.as_str() {
        "partial" => ("partial", "functools.partial"),
        "functools.partial" => ("functools", "functools"),
        _ => return false,
    };
    analysis
        .occurrence_at(callee.start)
        .filter(|o| o.range.start == callee.start && &**analysis.name_of(o) == name)
        .is_some_and(|o| {
            o.symbol.scope == ScopeId::MODULE && imported_only(file, o.symbol, path, o.range.start)
        })
}

#[cfg(test)]
mod tests {
    use super::line_break;

    #[test]
    fn an_added_import_ends_as_the_first_line_does() {
        assert_eq!(line_break("import os\r\nx = 1\n"), "\r\n");
        assert_eq!(line_break("import os\nx = 1\r\n"), "\n");
        assert_eq!(line_break("x = 1"), "\n");
        assert_eq!(line_break(""), "\n");
    }
}
