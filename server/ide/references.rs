//! Find references: every read and write of one variable, in every scope of the file — exactly
//! the identifiers that CPython's symbol tables bind to that variable's namespace (a local, a cell
//! shared with nested functions, a module global reached through `global`, …). Document highlight
//! shows the same set.

use super::FileView;
use crate::analysis::{Occurrence, SymbolId};

/// The variable named by the identifier at `offset`, if any.
pub fn variable_at(file: &FileView, offset: usize) -> Option<SymbolId> {
    file.analysis.occurrence_at(offset).map(|o| o.symbol)
}

/// Whether `occurrence` is a declaration of its variable: a binding (assignment, parameter,
/// import, `def`/`class` name, …), which is also what go to definition returns. `global` and
/// `nonlocal` statements only refer to a binding made elsewhere.
pub fn is_declaration(occurrence: &Occurrence) -> bool {
    occurrence.is_binding()
}

/// Every occurrence of `variable`, in source order; without its declarations unless
/// `include_declaration`.
pub fn occurrences<'a>(
    file: &FileView<'a>,
    variable: SymbolId,
    include_declaration: bool,
) -> Vec<&'a Occurrence> {
    file.analysis
        .occurrences_of(variable)
        .filter(|o| include_declaration || !is_declaration(o))
        .collect()
}

/// The references of the variable named at `offset`, in source order (empty when no variable is
/// named there).
pub fn references<'a>(
    file: &FileView<'a>,
    offset: usize,
    include_declaration: bool,
) -> Vec<&'a Occurrence> {
    variable_at(file, offset).map_or_else(Vec::new, |v| occurrences(file, v, include_declaration))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::OccurrenceKind;
    use crate::ide::fixture::Fixture;

    /// Each reference as `line: kind text`.
    fn check(text: &str, include_declaration: bool, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let shown: Vec<String> = references(&file, fixture.cursor(), include_declaration)
            .iter()
            .map(|o| {
                let kind = match o.kind {
                    OccurrenceKind::Read => "read",
                    OccurrenceKind::Write => "write",
                    OccurrenceKind::Param => "param",
                    OccurrenceKind::GlobalDecl => "global",
                    OccurrenceKind::NonlocalDecl => "nonlocal",
                };
                format!(
                    "{}: {kind} {}",
                    file.line(o.range.start),
                    file.text(o.range)
                )
            })
            .collect();
        expected.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn a_cell_through_nonlocal_across_scopes() {
        check(
            r#"
def make_counter():
    count = 0
    def increment():
        nonlocal count
        count += 1
        return count
    def shadow():
        count = 5
        return count
    return increment, lambda: count$0
"#,
            true,
            expect![[r#"
                2: write count
                4: nonlocal count
                5: write count
                6: read count
                10: read count"#]],
        );
    }

    #[test]
    fn without_declarations() {
        check(
            r#"
def f(n):
    g = lambda: n + 1
    n = 2
    return n$0
"#,
            false,
            expect![[r#"
                2: read n
                4: read n"#]],
        );
    }

    #[test]
    fn a_global_through_global_decorators_and_defaults() {
        check(
            r#"
registry = []
def register(fn, into=registry):
    global registry
    registry = registry + [fn]
    return fn
@register
def job(): return [r for r in registry$0]
class C:
    registry = 1
    def m(self): return registry
"#,
            true,
            expect![[r#"
                1: write registry
                2: read registry
                3: global registry
                4: write registry
                4: read registry
                7: read registry
                10: read registry"#]],
        );
    }

    #[test]
    fn class_bodies_are_not_enclosing_scopes() {
        check(
            r#"
x = 0
class C:
    x = 1
    y = [x$0 for _ in range(3)]
    z = [i for i in range(x)]
"#,
            true,
            expect![[r#"
                1: write x
                4: read x"#]],
        );
    }

    #[test]
    fn nothing_off_a_name() {
        let fixture = Fixture::new("x = 1 $0+ 2\n");
        assert!(references(&fixture.view(), fixture.cursor(), true).is_empty());
    }
}
