//! Which scope owns the cell a free name reads ([`Symbol::captures_from`]), found again after
//! a stitch or a splice, whose parts were analysed without all of the text around them.
//!
//! A free name reads the cell of the nearest enclosing scope (inlined comprehensions left out)
//! that holds one, unless a scope of functions binding the name comes first (`cell_owner` in
//! `export`). The walk can pass classes and inlined comprehensions that bind the name (a 3.12+
//! comprehension reading the variable of the one around it, in a class body), so what it finds
//! may be a cell that other code makes: another body's capture in the enclosing function (a
//! focused run does not visit it), another statement's comprehension at module level (a chunk
//! does not see it). [`relink`] follows the walk on the whole analysis instead, and lists the
//! scope under the cell it finds.
//!
//! [`Symbol::captures_from`]: crate::analysis::Symbol::captures_from

use std::ops::Range;
use std::sync::Arc;

use crate::analysis::{Analysis, Resolution, ScopeId, ScopeKind, SymbolOrigin, is_class_cell};

/// The names of the cells of `scope` (of the module: made by its 3.12+ inlined
/// comprehensions), but for the implicit ones, which do not depend on other code.
pub(super) fn cells(analysis: &Analysis, scope: ScopeId) -> Vec<Arc<str>> {
    let symbols = analysis.scope(scope).symtable();
    let cells = symbols.filter(|s| s.is_cell() && !owns_implicitly(analysis, scope, &s.name));
    cells.map(|s| s.name.clone()).collect()
}

/// Whether `block` owns the cell `name` whatever it binds: a class its implicit cells, the
/// module 3.14's `__conditional_annotations__`. A module binding `__classdict__` in a
/// comprehension makes a cell of its own, which a class's free name may read.
fn owns_implicitly(analysis: &Analysis, block: ScopeId, name: &str) -> bool {
    let class = analysis.scope(block).kind == ScopeKind::Class;
    let module_owns = name == "__conditional_annotations__" && block == ScopeId::MODULE;
    is_class_cell(analysis.version, name) && (class || module_owns)
}

/// Finds again the owner of each free name of the scopes `scopes`, of all of them or only of
/// those named in `only`, and lists the scope under the owner's cell alone (the lists merged
/// from the parts, or kept from before, may miss it or hold it under another cell).
pub(super) fn relink(analysis: &mut Analysis, scopes: Range<u32>, only: Option<&[Arc<str>]>) {
    for id in scopes.map(ScopeId) {
        let scope = analysis.scope(id);
        let found: Vec<(usize, Option<ScopeId>)> = (scope.symbols.iter().enumerate())
            .filter(|(_, s)| s.in_closure())
            .filter(|(_, s)| only.is_none_or(|names| names.contains(&s.name)))
            .map(|(i, s)| (i, owner(analysis, id, &s.name)))
            .collect();
        for (i, owner) in found {
            let symbol = &mut analysis.scopes[id.index()].symbols[i];
            let was = std::mem::replace(&mut symbol.captures_from, owner);
            // Inlined comprehensions read their parent's cells as their parent: no list has them.
            if !analysis.scope(id).inlined {
                let name = analysis.scope(id).symbols[i].name.clone();
                list_capture(analysis, id, &name, was, owner);
            }
        }
    }
}

/// Lists `scope` under the cell `name` of `owner` (in pre-order), no more under that of `was`
/// (its owner before), as a whole analysis lists it under the cell its free name reads.
fn list_capture(
    analysis: &mut Analysis,
    scope: ScopeId,
    name: &str,
    was: Option<ScopeId>,
    owner: Option<ScopeId>,
) {
    let old = was.filter(|&w| Some(w) != owner);
    if let Some(by) = old.and_then(|o| captured_by(analysis, o, name)) {
        by.retain(|&c| c != scope);
    }
    if let Some(by) = owner.and_then(|o| captured_by(analysis, o, name)) {
        if let Err(at) = by.binary_search(&scope) {
            by.insert(at, scope);
        }
    }
}

/// The capture list of the cell `name` of `owner` ([`Scope::cell`](crate::analysis::Scope::cell):
/// an implicit class cell first).
fn captured_by<'a>(
    analysis: &'a mut Analysis,
    owner: ScopeId,
    name: &str,
) -> Option<&'a mut Vec<ScopeId>> {
    let symbols = &mut analysis.scopes[owner.index()].symbols;
    let named = |origin| {
        symbols
            .iter()
            .position(|s| s.origin == origin && &*s.name == name)
    };
    let at = named(SymbolOrigin::ClassCell).or_else(|| named(SymbolOrigin::Symtable))?;
    Some(&mut symbols[at].captured_by)
}

/// The scope owning the cell the free `name` of `scope` reads (`cell_owner` in `export`).
fn owner(analysis: &Analysis, scope: ScopeId, name: &str) -> Option<ScopeId> {
    for id in analysis.ancestors(scope) {
        let block = analysis.scope(id);
        if block.inlined {
            continue;
        }
        // A class owns its implicit cells (whatever it binds: first, as it may bind many).
        if owns_implicitly(analysis, id, name) {
            return Some(id);
        }
        let symbol = block.symbol(name);
        if symbol.is_some_and(|s| s.is_cell()) {
            return Some(id);
        }
        let binds = symbol.is_some_and(|s| s.resolution == Resolution::Local);
        if binds && block.kind != ScopeKind::Class {
            return None;
        }
    }
    None
}
