//! 3.12+: the module's cells, which its inlined comprehensions make (`DEF_COMP_CELL`) and which
//! a statement or a function analysed on its own cannot see.
//!
//! A free name reads the cell of the nearest enclosing scope (inlined comprehensions left out)
//! that holds one, unless a scope of functions binding the name comes first (`cell_owner` in
//! `export`). When that walk reaches the module, the name reads the module's cell if any
//! statement makes the name one, and no cell if none does: [`link`] sets its
//! [`Symbol::captures_from`](crate::analysis::Symbol::captures_from) again from the whole module.

use std::ops::Range;
use std::sync::Arc;

use crate::analysis::{Analysis, Resolution, ScopeId, ScopeKind};

/// The names a class or the module holds cells for by rule, not by what other statements do.
const IMPLICIT_CELLS: [&str; 3] = ["__class__", "__classdict__", "__conditional_annotations__"];

/// The names of the module's cells.
pub(super) fn module_cells(analysis: &Analysis) -> Vec<Arc<str>> {
    let module = analysis.scopes[0].symtable();
    let cells = module.filter(|s| s.is_cell() && !IMPLICIT_CELLS.contains(&&*s.name));
    cells.map(|s| s.name.clone()).collect()
}

/// Links the free names of the scopes `scopes` that are among `names` (the module's cells, now
/// or in a version the analysis was patched from) and whose walk reaches the module: to the
/// module when it holds a cell for the name, else to no scope.
pub(super) fn link(analysis: &mut Analysis, scopes: Range<u32>, names: &[Arc<str>]) {
    if names.is_empty() {
        return;
    }
    let is_cell: Vec<bool> = names
        .iter()
        .map(|n| analysis.scopes[0].symbol(n).is_some_and(|s| s.is_cell()))
        .collect();
    for id in scopes.map(ScopeId) {
        let scope = analysis.scope(id);
        let linked: Vec<(usize, Option<ScopeId>)> = (scope.symbols.iter().enumerate())
            .filter(|(_, s)| s.in_closure())
            .filter(|(_, s)| s.captures_from.is_none_or(|c| c == ScopeId::MODULE))
            .filter_map(|(i, s)| {
                let at = names.iter().position(|n| *n == s.name)?;
                reaches_module(analysis, id, &s.name).then_some((i, is_cell[at]))
            })
            .map(|(i, cell)| (i, cell.then_some(ScopeId::MODULE)))
            .collect();
        for (i, owner) in linked {
            analysis.scopes[id.index()].symbols[i].captures_from = owner;
        }
    }
}

/// Whether the walk for the free `name` of `scope` reaches the module: no enclosing scope but
/// an inlined comprehension holds a cell for it, and none of functions binds it.
fn reaches_module(analysis: &Analysis, scope: ScopeId, name: &str) -> bool {
    for id in analysis.ancestors(scope) {
        let block = analysis.scope(id);
        if id == ScopeId::MODULE {
            return true;
        }
        if block.inlined {
            continue;
        }
        let symbol = block.symbol(name);
        if symbol.is_some_and(|s| s.is_cell()) {
            return false;
        }
        let binds = symbol.is_some_and(|s| s.resolution == Resolution::Local);
        if binds && block.kind != ScopeKind::Class {
            return false;
        }
    }
    false
}
