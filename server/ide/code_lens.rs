//! Code lenses: "cells: count → increment, reset" above a function owning cells, and
//! "closes over count, step from make_counter" above a closure. An edited file's lenses follow
//! the edit ([`Lenses`]).

use super::FileView;
use super::captures;
use crate::analysis::{ScopeId, ScopeKind, TextRange};
use crate::config::Settings;

mod kept;

pub use kept::Lenses;

/// One code lens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The scope's name (where the lens sits).
    pub range: TextRange,
    /// The text shown.
    pub title: String,
    /// The places the lens opens: the capturing scopes, or the captured bindings.
    pub targets: Vec<TextRange>,
}

/// All lenses of the file, in source order.
pub fn code_lenses(file: &FileView, settings: &Settings) -> Vec<CodeLens> {
    (0..file.analysis.scopes.len() as u32)
        .flat_map(|i| scope_lenses(file, ScopeId(i), settings.pass_through))
        .collect()
}

/// The lenses above scope `id`: its cells' (a function's), then its captures'. Shows
/// pass-through captures when `pass_through` is set.
fn scope_lenses(
    file: &FileView,
    id: ScopeId,
    pass_through: bool,
) -> impl Iterator<Item = CodeLens> {
    let scope = file.analysis.scope(id);
    let closure = captures::is_closure_scope(scope);
    let owner = (closure && scope.kind == ScopeKind::Function)
        .then(|| owner_lens(file, id))
        .flatten();
    let closes = closure
        .then(|| closure_lens(file, id, pass_through))
        .flatten();
    owner.into_iter().chain(closes)
}

/// "cells: count → increment, reset", opening the capturing scopes.
fn owner_lens(file: &FileView, id: ScopeId) -> Option<CodeLens> {
    let scope = file.analysis.scope(id);
    let cells = &scope.code.as_ref()?.cellvars;
    if cells.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut targets: Vec<TextRange> = Vec::new();
    for name in cells {
        let users = scope.captured_by(name);
        let display = file.source_name(name, scope.range);
        if users.is_empty() {
            parts.push(display);
            continue;
        }
        let names: Vec<String> = users.iter().map(|&u| file.scope_name(u)).collect();
        parts.push(format!("{display} → {}", names.join(", ")));
        for &u in users {
            let target = file.analysis.scope(u).focus_range;
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    Some(CodeLens {
        range: scope.focus_range,
        title: format!("cells: {}", parts.join("; ")),
        targets,
    })
}

/// "closes over count, step from make_counter", opening the captured bindings.
fn closure_lens(file: &FileView, id: ScopeId, pass_through: bool) -> Option<CodeLens> {
    let shown = captures::shown(captures::captures(file, id), pass_through);
    if shown.is_empty() {
        return None;
    }
    Some(CodeLens {
        range: file.analysis.scope(id).focus_range,
        title: format!("closes over {}", captures::describe(file, &shown)),
        targets: shown.iter().filter_map(|c| c.target(file)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture::Fixture;

    /// Each lens as `line: title -> target lines`.
    fn check(text: &str, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let rendered: Vec<String> = code_lenses(&file, &Settings::default())
            .iter()
            .map(|lens| {
                let targets: Vec<String> = lens
                    .targets
                    .iter()
                    .map(|t| format!("{}:{}", file.line(t.start), file.text(*t)))
                    .collect();
                format!(
                    "{}: {} -> [{}]",
                    file.line(lens.range.start),
                    lens.title,
                    targets.join(", ")
                )
            })
            .collect();
        expected.assert_eq(&rendered.join("\n"));
    }

    #[test]
    fn owners_and_closures() {
        check(
            r#"
def make_counter():
    count = 0
    step = 1
    def increment():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = 0
    return increment, reset

def factories():
    return [lambda: i for i in range(3)]
"#,
            expect![[r#"
                1: cells: count → increment, reset; step → increment -> [4:increment, 8:reset]
                4: closes over nonlocal count, step from make_counter -> [2:count, 3:step]
                8: closes over nonlocal count from make_counter -> [2:count]
                13: cells: i → <lambda> -> [14:lambda]
                14: closes over i from factories -> [14:i]"#]],
        );
    }

    #[test]
    fn captures_from_two_owners_are_grouped() {
        check(
            r#"
def outer(a):
    def middle(b):
        def inner():
            return a + b
        return inner
    return middle
"#,
            expect![[r#"
                1: cells: a → middle, inner -> [2:middle, 3:inner]
                2: cells: b → inner -> [3:inner]
                3: closes over a from outer; b from middle -> [1:a, 2:b]"#]],
        );
    }
}
