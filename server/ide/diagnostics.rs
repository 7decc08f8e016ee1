//! Diagnostics: the closure-related SyntaxErrors CPython's symbol table pass raises.

use super::FileView;
use crate::analysis::TextRange;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// One finding in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it applies.
    pub range: TextRange,
    pub severity: Severity,
    /// A stable code.
    pub code: &'static str,
    /// What happens, in CPython's words where CPython has them.
    pub message: String,
}

/// The code of a closure-related SyntaxError.
pub const SYNTAX_ERROR: &str = "SyntaxError";

/// The file's diagnostics, in the order CPython would report them.
pub fn diagnostics(file: &FileView) -> Vec<Diagnostic> {
    file.analysis
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: e.range,
            severity: Severity::Error,
            code: SYNTAX_ERROR,
            message: e.message.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn closure_syntax_errors_with_cpython_messages() {
        let fixture = Fixture::new(
            "def f():\n    def g():\n        nonlocal missing\n    x = 1\n    global x\n",
        );
        let file = fixture.view();
        let shown: Vec<String> = diagnostics(&file)
            .iter()
            .map(|d| {
                format!(
                    "{}: {} {:?}: {} [{}]",
                    file.line(d.range.start),
                    d.code,
                    d.severity,
                    d.message,
                    file.text(d.range)
                )
            })
            .collect();
        expect![[r#"
            5: SyntaxError Error: name 'x' is assigned to before global declaration [global x]
            3: SyntaxError Error: no binding for nonlocal 'missing' found [nonlocal missing]"#]]
        .assert_eq(&shown.join("\n"));
    }
}
