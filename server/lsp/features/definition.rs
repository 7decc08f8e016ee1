//! Go to definition: from a name to its bindings in the scope that owns the variable.

use ls_types::Location;

use super::Ctx;

/// The bindings of the variable at `offset` (empty when there is no name, or it is never bound
/// in this file, e.g. a builtin).
pub fn definitions(ctx: &Ctx, offset: usize) -> Vec<Location> {
    let Some(at) = ctx.analysis.occurrence_at(offset) else {
        return Vec::new();
    };
    ctx.bindings(at.resolves_to, &at.name)
        .into_iter()
        .map(|o| ctx.location(o.range))
        .collect()
}
