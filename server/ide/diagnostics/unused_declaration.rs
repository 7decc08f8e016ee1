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
            if symbol.flags.contains(SymbolFlags::LOCAL) || global && changes_meaning(file, o.scope, symbol) {
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

/// Whether removing `global name` from `scope` would make its reads (or those of nested scopes)
/// find another variable: an enclosing function binds the name.
fn changes_meaning(file: &FileView, scope: ScopeId, symbol: &Symbol) -> bool {
    let analysis = file.analysis;
    analysis.ancestors(scope).any(|a| {
        let s = analysis.scope(a);
        !matches!(s.kind, ScopeKind::Module | ScopeKind::Class)
            && s.symbol(&symbol.name)
                .is_some_and(|e| matches!(e.resolution, Resolution::Local | Resolution::Cell))
    })
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
