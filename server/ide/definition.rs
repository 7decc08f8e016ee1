//! Go to definition: from a name to the bindings of its variable, in the scope that owns it.

use super::FileView;
use crate::analysis::TextRange;

/// The bindings of the variable named at `offset`, in source order (empty when there is no name,
/// or the variable is never bound in this file, e.g. a builtin).
pub fn definitions(file: &FileView, offset: usize) -> Vec<TextRange> {
    let Some(at) = file.analysis.occurrence_at(offset) else {
        return Vec::new();
    };
    file.analysis
        .bindings_of(at.symbol)
        .map(|o| o.range)
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture::Fixture;

    fn check(text: &str, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let found: Vec<String> = definitions(&file, fixture.cursor())
            .iter()
            .map(|r| format!("{}: {}", file.line(r.start), file.line_text(r.start)))
            .collect();
        expected.assert_eq(&found.join("\n"));
    }

    #[test]
    fn a_captured_name_goes_to_its_owner() {
        check(
            r#"
def make_adder(n):
    def add(x):
        return x + n$0
    return add
"#,
            expect!["1: def make_adder(n):"],
        );
    }

    #[test]
    fn every_binding_of_a_global_even_through_global() {
        check(
            r#"
total = 0
def bump():
    global total
    total += 1
print(total$0, len)
"#,
            expect![[r#"
                1: total = 0
                4: total += 1"#]],
        );
    }

    #[test]
    fn builtins_have_none() {
        check("print$0(1)\n", expect![""]);
    }
}
