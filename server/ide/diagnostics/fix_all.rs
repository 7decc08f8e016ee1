//! Fix all: the safe fixes of a file's diagnostics, combined into one set of edits that can be
//! applied together (what `source.fixAll` and `check --fix` apply).

use std::borrow::Borrow;

use super::{Diagnostic, Edit};

/// The edits of the first safe fix of every diagnostic, in source order. A fix that overlaps one
/// already taken is left out (the next run, on the fixed text, finds it again).
pub fn fix_all(diagnostics: &[impl Borrow<Diagnostic>]) -> Vec<Edit> {
    let mut taken: Vec<Edit> = Vec::new();
    for diagnostic in diagnostics.iter().map(Borrow::borrow) {
        let Some(fix) = diagnostic.fixes.iter().find(|f| f.safe) else {
            continue;
        };
        let clashes = fix.edits.iter().any(|edit| {
            taken
                .iter()
                .any(|t| overlap(t, edit) || t.range == edit.range)
        });
        if !clashes {
            taken.extend(fix.edits.iter().cloned());
        }
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    taken
}

/// `text` with `edits` (non-overlapping) applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_owned();
    for edit in sorted {
        out.replace_range(edit.range.start..edit.range.end, &edit.new_text);
    }
    out
}

fn overlap(a: &Edit, b: &Edit) -> bool {
    a.range.start < b.range.end && b.range.start < a.range.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::ide::diagnostics::diagnostics;
    use crate::ide::fixture::Fixture;

    #[test]
    fn every_loop_closure_is_fixed_at_once() {
        let text = "fs = []\nfor i in range(3):\n    fs.append(lambda: i)\n    fs.append(lambda: i * 2)\nprint([f() for f in fs])\n";
        let fixture = Fixture::new(text);
        let found = diagnostics(&fixture.view(), &Settings::default());
        assert_eq!(found.len(), 2, "{found:#?}");
        let fixed = apply(text, &fix_all(&found));
        expect_test::expect![[r#"
            fs = []
            for i in range(3):
                fs.append(lambda i=i: i)
                fs.append(lambda i=i: i * 2)
            print([f() for f in fs])
        "#]]
        .assert_eq(&fixed);
        let again = Fixture::new(&fixed);
        assert!(diagnostics(&again.view(), &Settings::default()).is_empty());
    }
}
