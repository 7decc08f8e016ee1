//! Lenses kept from one version of a file to the next: after a body splice
//! ([`Spliced`]) only the lenses that may read what the splice changed are found again; the
//! others move with the text.
//!
//! What a lens of scope S reads: S's cells and their capture lists, the names and name ranges of
//! the scopes capturing them (nested in S), S's captures (its own symbols), their owners' names
//! and name ranges (scopes enclosing S) and the first binding of each captured variable (text
//! and range, somewhere in its owner), and the `pass_through` setting. Outside the re-analysed
//! scopes a splice changes only positions, scope ids and the capture lists of the enclosing
//! scopes' cells. So a lens may change only when S is re-analysed, or owns a cell and encloses
//! the re-analysed scopes, or captures a variable of an enclosing scope (whose first binding may
//! have come, gone or moved in the re-analysed text): every scope under the outermost enclosing
//! scope that owns a captured cell is found again.

use std::ops::Range;

use super::{CodeLens, scope_lenses};
use crate::analysis::incremental::Spliced;
use crate::analysis::{Analysis, Scope, ScopeId, ScopeKind, is_user_visible};
use crate::config::Settings;
use crate::ide::FileView;

/// A file's capture lenses under one setting, each with the scope it sits above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lenses {
    /// The one setting the lenses depend on.
    pass_through: bool,
    /// The lenses in [`code_lenses`](super::code_lenses) order (by scope id).
    lenses: Vec<(ScopeId, CodeLens)>,
}

impl Lenses {
    /// Every lens of `file` under `settings` (what [`code_lenses`](super::code_lenses) gives).
    pub fn new(file: &FileView, settings: &Settings) -> Self {
        let pass_through = settings.pass_through;
        let lenses = (0..file.analysis.scopes.len() as u32)
            .map(ScopeId)
            .flat_map(|id| scope_lenses(file, id, pass_through).map(move |l| (id, l)))
            .collect();
        Lenses {
            pass_through,
            lenses,
        }
    }

    /// Whether these are the lenses under `settings`.
    pub fn fits(&self, settings: &Settings) -> bool {
        self.pass_through == settings.pass_through
    }

    /// The lenses, in [`code_lenses`](super::code_lenses) order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &CodeLens> {
        self.lenses.iter().map(|(_, lens)| lens)
    }

    /// Brings the lenses of the version a splice started from to the version it made, analysed
    /// in `file`: the lenses the splice may change are found again, the others are moved.
    pub fn advance(&mut self, file: &FileView, spliced: &Spliced) {
        let redo = redo(file.analysis, spliced);
        let pass_through = self.pass_through;
        let mut fresh = redo
            .clone()
            .map(ScopeId)
            .flat_map(|id| scope_lenses(file, id, pass_through).map(move |l| (id, l)))
            .peekable();
        let old = std::mem::take(&mut self.lenses);
        let mut lenses = Vec::with_capacity(old.len());
        for (id, mut lens) in old {
            let Some(id) = spliced.scope(id).filter(|id| !redo.contains(&id.0)) else {
                continue;
            };
            while let Some(found) = fresh.next_if(|(f, _)| *f < id) {
                lenses.push(found);
            }
            lens.range = spliced.range(lens.range);
            for target in &mut lens.targets {
                *target = spliced.range(*target);
            }
            lenses.push((id, lens));
        }
        lenses.extend(fresh);
        self.lenses = lenses;
    }
}

/// The scopes (ids of the new analysis) whose lenses a splice may change: the subtree of the
/// outermost enclosing scope owning a captured cell, else the re-analysed scopes. An enclosing
/// scope outside that subtree has no lens the splice changes: it owns no captured cell (no cells
/// lens, no capture list that changed), and what it captures belongs to scopes enclosing it,
/// which own no captured cell either.
fn redo(analysis: &Analysis, spliced: &Spliced) -> Range<u32> {
    let owner = spliced
        .enclosing
        .iter()
        .rev()
        .copied()
        .find(|&s| owns_captured_cell(analysis.scope(s)));
    match owner {
        Some(owner) => analysis.subtree(owner),
        None => spliced.new_scopes.clone(),
    }
}

/// Whether a lens may show one of `scope`'s cells: one a nested scope captures under a name the
/// user wrote (not 3.14's `__classdict__`, which every class with annotation scopes owns), or any
/// cell of a function (its cells lens lists them all).
fn owns_captured_cell(scope: &Scope) -> bool {
    scope
        .symbols
        .iter()
        .any(|s| !s.captured_by.is_empty() && is_user_visible(&s.name))
        || scope.code.as_ref().is_some_and(|c| {
            c.cellvars
                .iter()
                .any(|n| scope.kind == ScopeKind::Function || is_user_visible(n))
        })
}
