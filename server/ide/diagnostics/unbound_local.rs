//! `unbound-local`: a function assigns a name (so the name is local everywhere in it) and reads
//! it before any assignment on some path, while an enclosing function or the module binds the
//! same name — the missing `nonlocal` / `global`. Calling it raises `UnboundLocalError`.

use std::sync::Arc;

use super::{Code, Diagnostic, Edit, Finding, Fix, Origin, Related, Select};
use crate::analysis::{
    Occurrence, Resolution, ScopeId, ScopeKind, SymbolFlags, TextRange, UnassignedRead,
};
use crate::ide::FileView;

pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let analysis = file.analysis;
    analysis
        .facts
        .unassigned_reads
        .iter()
        .filter_map(|r| {
            let o = analysis
                .occurrence_at(r.read.start)
                .filter(|o| o.range == r.read)?;
            // The function's symbols and facts (its body start), and the bindings of the name
            // inside and outside it.
            let origin = Origin {
                scopes: vec![analysis.frame_of(o.scope)],
                names: vec![Arc::clone(analysis.name_of(o))],
                ..Origin::default()
            };
            if !select.wants(&origin) {
                return None;
            }
            let diagnostic = diagnostic(file, r, o)?;
            Some(Finding::new(diagnostic, origin))
        })
        .collect()
}

/// Where else the name is bound: the nearest enclosing function, else the module.
enum Outer {
    Function(ScopeId),
    Module,
}

fn diagnostic(file: &FileView, read: &UnassignedRead, o: &Occurrence) -> Option<Diagnostic> {
    let analysis = file.analysis;
    let function = analysis.frame_of(o.scope);
    let outer = outer_binding(file, function, analysis.name_of(o))?;
    // Unassigned on some paths only: a missing declaration when the outer variable already
    // holds a value as the function is defined (`label = "default"` … `def describe(): …`);
    // otherwise the same name outside is more likely a coincidence.
    let outer_first = outer_binding_site(file, &outer, analysis.name_of(o)).map(|b| b.range.start);
    if !read.always && outer_first.is_none_or(|at| at > analysis.scope(function).range.start) {
        return None;
    }
    let shown = file.text(o.range);
    let name = file.scope_name(function);
    let deleting = read.delete;
    let when = if read.always {
        "before any assignment"
    } else {
        "before any assignment on some paths"
    };
    let (keyword, other) = match outer {
        Outer::Function(f) => ("nonlocal", format!("`{}`", file.scope_name(f))),
        Outer::Module => ("global", "the module".to_owned()),
    };
    let action = if deleting { "deletes" } else { "reads" };
    let mut diagnostic = Diagnostic::new(
        Code::UnboundLocal,
        o.range,
        format!(
            "`{name}` assigns `{shown}`, so `{shown}` is local to `{name}` everywhere in it, and \
             this {action} it {when}: calling `{name}` raises UnboundLocalError: cannot access \
             local variable '{}' where it is not associated with a value. {other} also binds \
             `{shown}`; to use that one, declare `{keyword} {shown}`",
            analysis.name_of(o)
        ),
    );
    let local_binding = analysis
        .occurrences_of(o.symbol)
        .find(|b| b.is_binding() && b.range != o.range);
    if let Some(b) = local_binding {
        diagnostic.related.push(Related {
            range: b.range,
            message: format!("this makes `{shown}` local to `{name}`"),
        });
    }
    if let Some(b) = outer_binding_site(file, &outer, analysis.name_of(o)) {
        diagnostic.related.push(Related {
            range: b.range,
            message: format!("{other} binds `{shown}` here"),
        });
    }
    diagnostic
        .fixes
        .extend(declare_fix(file, function, keyword, shown));
    Some(diagnostic)
}

/// The nearest enclosing function binding `name`, else the module when it binds it; `None`
/// when nothing outside binds it (then no declaration could help).
fn outer_binding(file: &FileView, function: ScopeId, name: &str) -> Option<Outer> {
    let analysis = file.analysis;
    for a in analysis.ancestors(function) {
        let scope = analysis.scope(a);
        match scope.kind {
            ScopeKind::Class => continue,
            ScopeKind::Module => break,
            _ if scope.inlined => continue,
            _ => {}
        }
        if scope
            .symbol(name)
            .is_some_and(|s| matches!(s.resolution, Resolution::Local | Resolution::Cell))
        {
            return Some(Outer::Function(a));
        }
    }
    let module = analysis.scope(ScopeId::MODULE).symbol(name)?;
    let bound = module.flags.intersects(SymbolFlags::BOUND)
        || analysis
            .symbol_id(ScopeId::MODULE, name)
            .is_some_and(|v| analysis.bindings_of(v).next().is_some());
    bound.then_some(Outer::Module)
}

fn outer_binding_site<'a>(
    file: &FileView<'a>,
    outer: &Outer,
    name: &str,
) -> Option<&'a Occurrence> {
    let analysis = file.analysis;
    let scope = match outer {
        Outer::Function(f) => *f,
        Outer::Module => ScopeId::MODULE,
    };
    let variable = analysis.symbol_id(scope, name)?;
    analysis.bindings_of(variable).next()
}

/// Insert `nonlocal x` / `global x` as the function's first statement (after its docstring).
fn declare_fix(file: &FileView, function: ScopeId, keyword: &str, shown: &str) -> Option<Fix> {
    let start = file
        .analysis
        .facts
        .body_starts
        .iter()
        .find(|b| b.scope == function)?;
    let new_text = if start.inline {
        format!("{keyword} {shown}; ")
    } else {
        format!("{keyword} {shown}\n{}", start.indent)
    };
    Some(Fix {
        title: format!(
            "Declare `{keyword} {shown}` in `{}`",
            file.scope_name(function)
        ),
        safe: true,
        edits: vec![Edit {
            range: TextRange::new(start.at, start.at),
            new_text,
        }],
    })
}
