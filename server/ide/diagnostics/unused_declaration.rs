//! `unused-declaration`: a `nonlocal` or `global` name the scope never assigns, so the
//! declaration changes nothing (reads find the same variable without it).

use super::{Code, Diagnostic};
use crate::analysis::{OccurrenceKind, Resolution, ScopeId, ScopeKind, Symbol, SymbolFlags};
use crate::ide::FileView;

pub(super) fn check(file: &FileView) -> Vec<Diagnostic> {
    let analysis = file.analysis;
    // A scope with a SyntaxError does not compile: its declarations are the error's business.
    let has_error = |scope: ScopeId| {
        let range = analysis.scope(scope).range;
        analysis
            .errors
            .iter()
            .any(|e| range.contains(e.range.start))
    };
    analysis
        .occurrences
        .iter()
        .filter(|o| matches!(o.kind, OccurrenceKind::NonlocalDecl | OccurrenceKind::GlobalDecl))
        .filter(|o| !has_error(o.scope))
        .filter_map(|o| {
            let symbol = analysis.scope(o.scope).symbol(&o.name)?;
            let global = o.kind == OccurrenceKind::GlobalDecl;
            let needed = if global {
                needed_global(file, o.scope, symbol)
            } else {
                needed_nonlocal(file, o.scope, symbol)
            };
            if symbol.is_assigned() || needed {
                return None;
            }
            let keyword = if global { "global" } else { "nonlocal" };
            let shown = file.text(o.range);
            let scope = file.scope_name(o.scope);
            let mut diagnostic = Diagnostic::new(
                Code::UnusedDeclaration,
                o.range,
                format!(
                    "`{keyword} {shown}` is not needed: `{scope}` never assigns `{shown}`, and reading it finds the same variable without the declaration"
                ),
            );
            diagnostic.unnecessary = true;
            Some(diagnostic)
        })
        .collect()
}

/// Whether `global name` in `scope` matters although the scope never assigns the name: without
/// it, the reads there or in nested scopes would find an enclosing function's variable, or (in a
/// class body) look in the class namespace first.
fn needed_global(file: &FileView, scope: ScopeId, symbol: &Symbol) -> bool {
    let analysis = file.analysis;
    let in_class_body = analysis.scope(scope).kind == ScopeKind::Class;
    in_class_body && symbol.flags.contains(SymbolFlags::USE)
        || analysis.ancestors(scope).any(|a| {
            let s = analysis.scope(a);
            !matches!(s.kind, ScopeKind::Module | ScopeKind::Class)
                && s.symbol(&symbol.name)
                    .is_some_and(|e| matches!(e.resolution, Resolution::Local | Resolution::Cell))
        })
}

/// Whether `nonlocal name` in `scope` matters although the scope never assigns the name: when
/// neither the scope nor a scope nested in it reads the name, the declaration alone is what puts
/// the cell in the scope's `__closure__` (as `types.CellType` is made).
fn needed_nonlocal(file: &FileView, scope: ScopeId, symbol: &Symbol) -> bool {
    let analysis = file.analysis;
    let read_here = symbol.flags.contains(SymbolFlags::USE);
    let owner = analysis.frame_of(symbol.variable.scope);
    let read_below = analysis
        .scope(owner)
        .captured_by(&symbol.name)
        .iter()
        .any(|&user| user != scope && analysis.ancestors(user).any(|a| a == scope));
    !read_here && !read_below
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::ide::diagnostics::tests::check;

    #[test]
    fn read_only_declarations() {
        check(
            r#"
total = 0
def f():
    count = 0
    def g():
        nonlocal count
        global total
        return count + total
    def h():
        nonlocal count
        global total
        count += 1
        total += 1
    return g, h
"#,
            expect![[r#"
                5:18 unused-declaration hint unnecessary: `nonlocal count` is not needed: `g` never assigns `count`, and reading it finds the same variable without the declaration [count]
                6:16 unused-declaration hint unnecessary: `global total` is not needed: `g` never assigns `total`, and reading it finds the same variable without the declaration [total]"#]],
        );
    }

    #[test]
    fn a_global_that_hides_an_enclosing_binding_is_needed() {
        check(
            "x = 0\ndef f():\n    x = 1\n    def g():\n        global x\n        return x\n    return g\n",
            expect![""],
        );
    }
}
