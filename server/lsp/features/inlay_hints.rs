//! Closure-capture inlay hints: `def increment(): captures(nonlocal count, step)`.
//!
//! Modeled on rust-analyzer's closure-capture hints (`move(&mut count, step)`): one hint per closure,
//! one label part per captured name, each clickable to the binding that created the cell. A name
//! the closure rebinds through `nonlocal` is prefixed with `nonlocal`, the keyword that made the
//! write possible, much as rust-analyzer writes `&mut`.

use ls_types::{
    InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintLabelPartTooltip, MarkupContent,
    MarkupKind,
};

use super::{Capture, Ctx, capture_location_range, captures, is_closure_candidate};
use crate::analysis::{ScopeId, TextRange};

/// The hints whose position lies in `range`.
pub fn inlay_hints(ctx: &Ctx, range: TextRange) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    for (i, scope) in ctx.analysis.scopes.iter().enumerate() {
        if !is_closure_candidate(scope)
            || scope.code.as_ref().is_none_or(|c| c.freevars.is_empty())
            || !scope.range.intersects(range)
        {
            continue;
        }
        let id = ScopeId(i as u32);
        let at = ctx.header_end(id);
        if !range.contains(at) {
            continue;
        }
        let shown: Vec<Capture> = captures(ctx, id)
            .into_iter()
            .filter(|c| ctx.settings.pass_through || !c.pass_through)
            .collect();
        if shown.is_empty() {
            continue;
        }
        let mut parts = vec![plain("captures(")];
        for (n, capture) in shown.iter().enumerate() {
            if n > 0 {
                parts.push(plain(", "));
            }
            if capture.written {
                parts.push(plain("nonlocal "));
            }
            parts.push(InlayHintLabelPart {
                value: capture.display.clone(),
                tooltip: Some(InlayHintLabelPartTooltip::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: capture_tooltip(ctx, id, capture),
                })),
                location: capture_location_range(ctx, capture).map(|r| ctx.location(r)),
                command: None,
            });
        }
        parts.push(plain(")"));
        hints.push(InlayHint {
            position: ctx.position(at),
            label: InlayHintLabel::LabelParts(parts),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: Some(true),
            data: None,
        });
    }
    hints
}

fn plain(text: &str) -> InlayHintLabelPart {
    InlayHintLabelPart {
        value: text.into(),
        ..InlayHintLabelPart::default()
    }
}

/// "`count`: `__closure__[0]`, the cell of `make_counter` bound on line 2; rebound here (`nonlocal`)."
pub fn capture_tooltip(ctx: &Ctx, scope: ScopeId, capture: &Capture) -> String {
    let mut text = format!(
        "`{}` is `{}.__closure__[{}]`",
        capture.display,
        ctx.scope_name(scope),
        capture.index
    );
    match capture.owner {
        Some(owner) => {
            text.push_str(&format!(", the cell of `{}`", ctx.scope(owner).qualname));
            if let Some(b) = capture.binding {
                text.push_str(&format!(" bound on line {}", ctx.line(b.range.start)));
            }
        }
        None => text.push_str(", a cell of an enclosing scope"),
    }
    text.push('.');
    if capture.written {
        text.push_str(" Rebound here through `nonlocal`: the change is visible to every closure sharing the cell.");
    } else if capture.pass_through {
        text.push_str(" Pass-through: not used here, only forwarded to a nested scope.");
    } else {
        text.push_str(" Read here; the value is looked up when the code runs, not when the closure is created.");
    }
    text
}
