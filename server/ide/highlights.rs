//! Document highlight: every occurrence of the variable under the cursor, across scopes — the
//! same set as find references ([`references`](super::references)), tagged read / write /
//! declaration.

use super::FileView;
use super::references;
use crate::analysis::{OccurrenceKind, TextRange};

/// How an occurrence uses the variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    /// A read.
    Read,
    /// A binding: assignment, parameter, import, def/class name, …
    Write,
    /// A `global` / `nonlocal` declaration.
    Declaration,
}

/// One highlighted occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

/// The occurrences of the variable named at `offset`, in source order (none if no name is there).
pub fn highlights(file: &FileView, offset: usize) -> Vec<Highlight> {
    references::references(file, offset, true)
        .into_iter()
        .map(|o| Highlight {
            range: o.range,
            kind: match o.kind {
                OccurrenceKind::Read => HighlightKind::Read,
                OccurrenceKind::Write | OccurrenceKind::Param => HighlightKind::Write,
                OccurrenceKind::GlobalDecl | OccurrenceKind::NonlocalDecl => {
                    HighlightKind::Declaration
                }
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture::Fixture;

    /// The source with each highlight bracketed and tagged `r`, `w` or `d`.
    fn check(text: &str, expected: Expect) {
        let fixture = Fixture::new(text);
        let mut shown = fixture.text.clone();
        for h in highlights(&fixture.view(), fixture.cursor()).iter().rev() {
            let tag = match h.kind {
                HighlightKind::Read => "r",
                HighlightKind::Write => "w",
                HighlightKind::Declaration => "d",
            };
            shown.insert_str(h.range.end, &format!("]{tag}"));
            shown.insert(h.range.start, '[');
        }
        expected.assert_eq(&shown);
    }

    #[test]
    fn a_shared_cell_across_scopes_only() {
        check(
            r#"
def make_counter():
    count = 0
    def increment():
        nonlocal count
        count += 1
        return count$0
    def other():
        count = 5
        return count
    return increment
"#,
            expect![[r#"
                def make_counter():
                    [count]w = 0
                    def increment():
                        nonlocal [count]d
                        [count]w += 1
                        return [count]r
                    def other():
                        count = 5
                        return count
                    return increment
            "#]],
        );
    }

    #[test]
    fn comprehension_variables_are_their_own() {
        check(
            r#"
def f(xs):
    x = 1
    ys = [x for x in xs]
    return x$0
"#,
            expect![[r#"
                def f(xs):
                    [x]w = 1
                    ys = [x for x in xs]
                    return [x]r
            "#]],
        );
    }

    #[test]
    fn nothing_off_a_name() {
        let fixture = Fixture::new("x = 1 $0+ 2\n");
        assert!(highlights(&fixture.view(), fixture.cursor()).is_empty());
    }
}
