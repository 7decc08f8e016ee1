//! `late-binding`: a closure made in a loop outlives its iteration, and reads a variable the
//! loop rebinds. Closures read variables when they run, not when they are made, so every closure
//! of the loop sees the variable's latest value.

mod partial;

use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashSet;

use super::{Code, Diagnostic, Edit, Finding, Fix, Origin, Related, Select};
use crate::analysis::{
    Escape, Kept, Loop, LoopClosure, OccurrenceKind, ScopeId, ScopeKind, SymbolId,
};
use crate::ide::FileView;

pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let mut found = Vec::new();
    for closure in &file.analysis.facts.loop_closures {
        if !matches!(closure.escape, Escape::Kept { .. }) {
            continue;
        }
        let Some(origin) = select.wanted(origin(closure), || names(file, closure)) else {
            continue;
        };
        found.extend(
            diagnostics(file, &closure.in_text())
                .into_iter()
                .map(|diagnostic| Finding::new(diagnostic, origin.clone())),
        );
    }
    found
}

/// The globals the `partial` fix looks for.
static PARTIAL_NAMES: LazyLock<[Arc<str>; 2]> =
    LazyLock::new(|| [Arc::from("partial"), Arc::from("functools")]);

/// What the closure's diagnostics read besides its fact and its own code: the bindings of the
/// variables it reads from outside ([`names`]), and for the `partial` fix the first line's
/// break.
fn origin(closure: &LoopClosure) -> Origin {
    Origin {
        scopes: vec![closure.scope],
        lines: vec![0],
        ..Origin::default()
    }
}

/// The variables whose bindings the closure's diagnostics read: those it reads from outside
/// (which a loop rebinds, which closures share on purpose), and the module's `partial` and
/// `functools` (for the `partial` fix). Every name in the closure, its own variables' too: more
/// names only make it found again more often, and telling its own apart costs more than it
/// saves.
fn names<'a>(
    file: &FileView<'a>,
    closure: &LoopClosure,
) -> Box<dyn Iterator<Item = &'a Arc<str>> + 'a> {
    let analysis = file.analysis;
    let names = analysis
        .occurrences_in(analysis.scope(closure.scope).range)
        .iter()
        .map(|o| analysis.name_of(o));
    Box::new(names.chain(PARTIAL_NAMES.iter()))
}

/// A variable the closure reads and a loop rebinds.
struct Rebound {
    /// The function reading it: the closure, or for a class the method (or other scope made by
    /// the class body) that does.
    reader: ScopeId,
    /// How the source spells it.
    name: String,
    /// The variable.
    variable: SymbolId,
    /// A rebinding inside the loop.
    binding: crate::analysis::TextRange,
}

/// One diagnostic per function of the closure that reads rebound variables (the closure
/// itself, or the methods of a class).
fn diagnostics(file: &FileView, closure: &LoopClosure) -> Vec<Diagnostic> {
    let Escape::Kept { .. } = &closure.escape else {
        return Vec::new();
    };
    let loops: Vec<&Loop> = closure.loops.iter().filter(|l| !l.ends_after).collect();
    let rebound = rebound_variables(file, closure.scope, &loops);
    let mut readers: Vec<ScopeId> = rebound.iter().map(|r| r.reader).collect();
    readers.dedup();
    readers
        .into_iter()
        .filter_map(|reader| {
            let read: Vec<&Rebound> = rebound.iter().filter(|r| r.reader == reader).collect();
            diagnostic(file, closure, reader, &read, &loops)
        })
        .collect()
}

fn diagnostic(
    file: &FileView,
    closure: &LoopClosure,
    reader: ScopeId,
    rebound: &[&Rebound],
    loops: &[&Loop],
) -> Option<Diagnostic> {
    let Escape::Kept { how, at } = &closure.escape else {
        return None;
    };
    let analysis = file.analysis;
    let mut diagnostic = Diagnostic::new(
        Code::LateBinding,
        analysis.scope(reader).focus_range,
        message(file, closure.scope, reader, rebound, how),
    );
    let reader_range = analysis.scope(reader).range;
    diagnostic.about = analysis
        .occurrences_in(reader_range)
        .iter()
        .filter(|o| {
            o.kind == OccurrenceKind::Read && rebound.iter().any(|r| r.variable == o.symbol)
        })
        .map(|o| o.range)
        .collect();
    if let Some(l) = loops.first() {
        diagnostic.related.push(Related {
            range: l.header,
            message: "the loop".into(),
        });
    }
    for r in rebound {
        diagnostic.related.push(Related {
            range: r.binding,
            message: format!("`{}` is rebound here on every iteration", r.name),
        });
    }
    diagnostic.related.push(Related {
        range: *at,
        message: "the closure outlives its iteration here".into(),
    });
    if reader == closure.scope {
        diagnostic.fixes.extend(default_fix(file, closure, rebound));
        diagnostic
            .fixes
            .extend(partial::fix(file, closure, rebound));
    }
    Some(diagnostic)
}

/// What happens at run time, in one sentence: the diagnostic's message and the hover's paragraph.
fn message(
    file: &FileView,
    closure: ScopeId,
    reader: ScopeId,
    rebound: &[&Rebound],
    how: &Kept,
) -> String {
    let analysis = file.analysis;
    let scope = analysis.scope(closure);
    let name = file.scope_name(closure);
    let things = match scope.kind {
        ScopeKind::Lambda => "lambdas".to_owned(),
        ScopeKind::GenExpr => "generator expressions".to_owned(),
        ScopeKind::Class => format!("`{name}` classes"),
        _ => format!("`{name}` functions"),
    };
    let subject = if reader == closure {
        format!("the {things}")
    } else {
        format!("the `{}` methods of the {things}", file.scope_name(reader))
    };
    let (maker, owner) = match analysis
        .defining_scope(closure)
        .map(|p| analysis.scope(p).kind)
    {
        Some(kind) if kind.is_comprehension() => ("this comprehension", "comprehension"),
        _ => ("this loop", "loop"),
    };
    let kept = match how {
        Kept::Stored => "they are stored".to_owned(),
        Kept::Passed(callee) => format!("they are passed to `{callee}`, which may keep them"),
        Kept::Registered(decorator) => format!("they are registered by `{decorator}`"),
        Kept::Yielded => "they are yielded while the loop goes on".to_owned(),
        Kept::Collected => "the comprehension collects them".to_owned(),
        Kept::LazyIterator => "they go into a lazy iterator that is kept".to_owned(),
        Kept::Suspended => "calling them makes coroutines or generators that are kept".to_owned(),
    };
    let names: Vec<String> = rebound.iter().map(|r| format!("`{}`", r.name)).collect();
    let (variables, it, latest) = match names.as_slice() {
        [one] => (
            format!("variable {one}"),
            "it",
            format!("the latest value of {one}, not the value of its own iteration"),
        ),
        _ => (
            format!("variables {}", names.join(", ")),
            "them",
            format!(
                "the latest values of {}, not those of its own iteration",
                names.join(", ")
            ),
        ),
    };
    format!(
        "{subject} {maker} makes outlive their iteration ({kept}) and share the {owner}'s \
         {variables}: they read {it} when they run, not when they are made, so run after the {owner} \
         has moved on, each one sees {latest}"
    )
}

/// The variables `scope` (or a scope nested in it) reads from the frame making it, that one of
/// `loops` rebinds on each iteration — unless closures write them on purpose (`nonlocal`).
fn rebound_variables(file: &FileView, scope: ScopeId, loops: &[&Loop]) -> Vec<Rebound> {
    let analysis = file.analysis;
    let range = analysis.scope(scope).range;
    let inside = |s: ScopeId| s == scope || analysis.ancestors(s).any(|a| a == scope);
    let is_class = analysis.scope(scope).kind == ScopeKind::Class;
    let mut seen = FxHashSet::default();
    let mut found = Vec::new();
    for o in analysis.occurrences_in(range) {
        if o.kind != OccurrenceKind::Read || !inside(o.scope) || inside(o.symbol.scope) {
            continue;
        }
        // A class body runs as the class is made: only what it makes (methods) runs later.
        let reader = if is_class {
            let child = std::iter::once(o.scope)
                .chain(analysis.ancestors(o.scope))
                .find(|&s| analysis.defining_scope(s) == Some(scope));
            match child {
                Some(c)
                    if analysis.scope(c).has_own_frame()
                        && !analysis.scope(c).kind.is_comprehension() =>
                {
                    c
                }
                _ => continue,
            }
        } else {
            scope
        };
        if !seen.insert((reader, o.symbol)) || is_shared_on_purpose(file, o.symbol) {
            continue;
        }
        let binding = analysis.occurrences_of(o.symbol).find(|b| {
            b.is_binding()
                && !inside(b.scope)
                && loops
                    .iter()
                    .any(|l| l.per_iteration.iter().any(|r| r.contains(b.range.start)))
        });
        if let Some(binding) = binding {
            found.push(Rebound {
                reader,
                name: file.text(o.range).to_owned(),
                variable: o.symbol,
                binding: binding.range,
            });
        }
    }
    found
}

/// Whether closures rebind the variable through `nonlocal` or `global` (a counter shared on
/// purpose).
fn is_shared_on_purpose(file: &FileView, variable: SymbolId) -> bool {
    let analysis = file.analysis;
    analysis.occurrences_of(variable).any(|o| {
        o.is_binding()
            && analysis.scope(o.scope).kind.is_user_function()
            && analysis.frame_of(o.scope) != analysis.frame_of(variable.scope)
    })
}

/// Bind each value per iteration as a default argument: `lambda i=i: …`,
/// `def f(x, *, i=i):`.
fn default_fix(file: &FileView, closure: &LoopClosure, rebound: &[&Rebound]) -> Option<Fix> {
    let slot = closure.defaults.as_ref()?;
    let scope = file.analysis.scope(closure.scope);
    // A parameter of that name would not be a capture; a mangled name keeps its spelling.
    if rebound.iter().any(|r| scope.params.contains(&r.name)) {
        return None;
    }
    let defaults: Vec<String> = rebound.iter().map(|r| format!("{0}={0}", r.name)).collect();
    let names: Vec<String> = rebound.iter().map(|r| format!("`{}`", r.name)).collect();
    Some(Fix {
        title: format!(
            "Bind {} per iteration with a default argument{}",
            names.join(", "),
            if slot.is_def { " (keyword-only)" } else { "" }
        ),
        safe: true,
        edits: vec![Edit {
            range: crate::analysis::TextRange::new(slot.at, slot.at),
            new_text: format!("{}{}{}", slot.before, defaults.join(", "), slot.after),
        }],
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::ide::diagnostics::tests::check;

    #[test]
    fn partial_reuses_an_import_and_passes_at_calls() {
        check(
            r#"from functools import partial

def make(limits):
    out = []
    for limit in limits:
        def check(value):
            return value <= limit
        out.append(check)
        out.append(partial(check, 3))
    return out
"#,
            expect![[r#"
                6:13 late-binding warning: the `check` functions this loop makes outlive their iteration (they are passed to `out.append`, which may keep them) and share the loop's variable `limit`: they read it when they run, not when they are made, so run after the loop has moved on, each one sees the latest value of `limit`, not the value of its own iteration [check]
                  related 5: the loop
                  related 5: `limit` is rebound here on every iteration
                  related 8: the closure outlives its iteration here
                  fix (safe): Bind `limit` per iteration with a default argument (keyword-only)
                  | from functools import partial
                  | 
                  | def make(limits):
                  |     out = []
                  |     for limit in limits:
                  |         def check(value, *, limit=limit):
                  |             return value <= limit
                  |         out.append(check)
                  |         out.append(partial(check, 3))
                  |     return out
                  fix: Make `limit` a keyword-only parameter of `check`, bound per iteration with `partial`
                  | from functools import partial
                  | 
                  | def make(limits):
                  |     out = []
                  |     for limit in limits:
                  |         def check(value, *, limit):
                  |             return value <= limit
                  |         out.append(partial(check, limit=limit))
                  |         out.append(partial(check, 3, limit=limit))
                  |     return out"#]],
        );
    }

    #[test]
    fn no_partial_fix_where_a_use_may_see_other_values() {
        let quiet = [
            // Used after the loop: the loop's values there are the last ones.
            "def make(xs):\n    for x in xs:\n        def f():\n            return x\n        keep.append(f)\n    return f\n",
            // Passed to an unknown callee.
            "def make(xs):\n    for x in xs:\n        def f():\n            return x\n        keep.append(f)\n        handle(f)\n",
            // A local `functools` would shadow the module.
            "def make(xs, functools):\n    for x in xs:\n        def f():\n            return x\n        keep.append(f)\n",
            // Rebound between the def and a use.
            "def make(xs):\n    for x in xs:\n        def f():\n            return x\n        x = x + 1\n        keep.append(f)\n",
        ];
        for text in quiet {
            let fixture = crate::ide::fixture::Fixture::new(text);
            let shown = crate::ide::diagnostics::tests::render(
                &fixture,
                &crate::config::Settings::default(),
            );
            assert!(shown.contains("late-binding"), "{text}\n{shown}");
            assert!(!shown.contains("keyword-only parameter"), "{text}\n{shown}");
        }
    }
}
