//! `ide` results as LSP types: the only place feature data meets the protocol.

use ls_types::{
    CodeLens, Command, Diagnostic, DiagnosticSeverity, DocumentHighlight, DocumentHighlightKind,
    Hover, HoverContents, InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintLabelPartTooltip,
    Location, MarkupContent, MarkupKind, NumberOrString,
};
use serde_json::json;

use crate::ide;
use crate::lsp::context::Ctx;

/// The command every code lens runs; its arguments are `[uri, position, locations]`, the shape
/// of VS Code's `editor.action.showReferences`.
pub const SHOW_CAPTURES: &str = "closure-lens.showCaptures";

/// The `source` of every diagnostic.
pub const SOURCE: &str = "closure-lens";

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

pub fn hover(ctx: &Ctx, hover: ide::hover::HoverResult) -> Hover {
    Hover {
        contents: HoverContents::Markup(markdown(hover.markdown)),
        range: Some(ctx.range(hover.range)),
    }
}

pub fn inlay_hint(ctx: &Ctx, hint: ide::inlay_hints::InlayHint) -> InlayHint {
    let parts = hint
        .label
        .into_iter()
        .map(|part| InlayHintLabelPart {
            value: part.text,
            tooltip: part
                .tooltip
                .map(|t| InlayHintLabelPartTooltip::MarkupContent(markdown(t))),
            location: part.target.map(|r| ctx.location(r)),
            command: None,
        })
        .collect();
    InlayHint {
        position: ctx.position(hint.offset),
        label: InlayHintLabel::LabelParts(parts),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: Some(true),
        data: None,
    }
}

pub fn code_lens(ctx: &Ctx, lens: ide::code_lens::CodeLens) -> CodeLens {
    let range = ctx.range(lens.range);
    let locations: Vec<Location> = lens.targets.iter().map(|&t| ctx.location(t)).collect();
    CodeLens {
        range,
        command: Some(Command {
            title: lens.title,
            command: SHOW_CAPTURES.into(),
            arguments: Some(vec![
                json!(ctx.doc.uri),
                json!(range.start),
                json!(locations),
            ]),
        }),
        data: None,
    }
}

pub fn highlight(ctx: &Ctx, highlight: ide::highlights::Highlight) -> DocumentHighlight {
    use ide::highlights::HighlightKind;
    DocumentHighlight {
        range: ctx.range(highlight.range),
        kind: Some(match highlight.kind {
            HighlightKind::Read => DocumentHighlightKind::READ,
            HighlightKind::Write => DocumentHighlightKind::WRITE,
            HighlightKind::Declaration => DocumentHighlightKind::TEXT,
        }),
    }
}

pub fn diagnostic(ctx: &Ctx, diagnostic: ide::diagnostics::Diagnostic) -> Diagnostic {
    use ide::diagnostics::Severity;
    Diagnostic {
        range: ctx.range(diagnostic.range),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Information => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().into())),
        source: Some(SOURCE.into()),
        message: diagnostic.message,
        ..Diagnostic::default()
    }
}
