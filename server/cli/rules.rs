//! The codes `check` reports, as the output formats list them (SARIF's rule table, GitHub
//! titles): every [`Code`] of the diagnostics, with its summary, default severity and the anchor
//! of its section in `docs/rules.md`. The codes themselves are defined once, by the diagnostics.

pub use crate::ide::diagnostics::{Code, Severity};

/// Where the documentation lives; each code has the anchor `#` + its code.
pub const DOCS_URL: &str = "https://github.com/closure-lens/closure-lens/blob/main/docs";

/// The documentation of `code`: `docs/diagnostics.md#late-binding` for a closure bug,
/// `docs/rules.md#nonlocal-without-binding` for a SyntaxError.
pub fn help_uri(code: Code) -> String {
    format!("{DOCS_URL}/{}#{}", docs_page(code), code.as_str())
}

/// The page of `docs/` documenting `code`.
pub fn docs_page(code: Code) -> &'static str {
    if code.is_syntax_error() {
        "rules.md"
    } else {
        "diagnostics.md"
    }
}

/// Every code, in the order the docs list them.
pub fn all() -> Vec<Code> {
    Code::all().collect()
}
