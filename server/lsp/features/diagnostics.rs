//! Diagnostics: the closure-related SyntaxErrors CPython's symbol table pass raises.

use ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::Ctx;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "closure-lens";

/// The analysis's errors as LSP diagnostics.
pub fn diagnostics(ctx: &Ctx) -> Vec<Diagnostic> {
    ctx.analysis
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: ctx.range(e.range),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("SyntaxError".into())),
            source: Some(SOURCE.into()),
            message: e.message.clone(),
            ..Diagnostic::default()
        })
        .collect()
}
