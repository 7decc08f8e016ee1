//! Code lenses: "cells: count → increment, reset" above cell owners and
//! "closes over count, step from make_counter" above closures.

use ls_types::{CodeLens, Command, Location};
use serde_json::json;

use super::{Ctx, capture_location_range, captures, is_closure_candidate};
use crate::analysis::{ScopeId, ScopeKind};

/// The command every lens runs; its arguments are `[uri, position, locations]`, the shape of
/// VS Code's `editor.action.showReferences`.
pub const SHOW_CAPTURES: &str = "closure-lens.showCaptures";

/// All lenses of the document.
pub fn code_lenses(ctx: &Ctx) -> Vec<CodeLens> {
    let mut lenses = Vec::new();
    for (i, scope) in ctx.analysis.scopes.iter().enumerate() {
        if !is_closure_candidate(scope) {
            continue;
        }
        let id = ScopeId(i as u32);
        if scope.kind == ScopeKind::Function {
            if let Some(lens) = owner_lens(ctx, id) {
                lenses.push(lens);
            }
        }
        if let Some(lens) = closure_lens(ctx, id) {
            lenses.push(lens);
        }
    }
    lenses
}

/// "cells: count → increment, reset" with the capturing scopes as locations.
fn owner_lens(ctx: &Ctx, id: ScopeId) -> Option<CodeLens> {
    let scope = ctx.scope(id);
    let cells = &scope.code.as_ref()?.cellvars;
    if cells.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut locations: Vec<Location> = Vec::new();
    let mut seen = Vec::new();
    for name in cells {
        let users = scope.captured_by(name);
        let display = ctx.source_name(name, scope.range);
        if users.is_empty() {
            parts.push(display);
            continue;
        }
        let names: Vec<String> = users.iter().map(|&u| ctx.scope_name(u)).collect();
        parts.push(format!("{display} → {}", names.join(", ")));
        for &u in users {
            if !seen.contains(&u) {
                seen.push(u);
                locations.push(ctx.location(ctx.scope(u).focus_range));
            }
        }
    }
    Some(lens(
        ctx,
        id,
        format!("cells: {}", parts.join("; ")),
        locations,
    ))
}

/// "closes over count, step from make_counter" with the bindings as locations.
fn closure_lens(ctx: &Ctx, id: ScopeId) -> Option<CodeLens> {
    let shown: Vec<_> = captures(ctx, id)
        .into_iter()
        .filter(|c| ctx.settings.pass_through || !c.pass_through)
        .collect();
    if shown.is_empty() {
        return None;
    }
    // Group by owner, keeping __closure__ order within and first appearance across groups.
    let mut groups: Vec<(Option<ScopeId>, Vec<String>)> = Vec::new();
    for c in &shown {
        match groups.iter_mut().find(|(o, _)| *o == c.owner) {
            Some((_, names)) => names.push(c.display.clone()),
            None => groups.push((c.owner, vec![c.display.clone()])),
        }
    }
    let text = groups
        .iter()
        .map(|(owner, names)| match owner {
            Some(o) => format!("{} from {}", names.join(", "), ctx.scope_name(*o)),
            None => names.join(", "),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let locations = shown
        .iter()
        .filter_map(|c| capture_location_range(ctx, c))
        .map(|r| ctx.location(r))
        .collect();
    Some(lens(ctx, id, format!("closes over {text}"), locations))
}

fn lens(ctx: &Ctx, id: ScopeId, title: String, locations: Vec<Location>) -> CodeLens {
    let scope = ctx.scope(id);
    let range = ctx.range(scope.focus_range);
    CodeLens {
        range,
        command: Some(Command {
            title,
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
