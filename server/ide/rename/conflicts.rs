//! Whether renaming a variable would change what any name means: the new name must not already be
//! a name of a scope that mentions the variable (the two would merge), of a scope the variable
//! passes through on its way to a closure (it would be captured instead), or a name below the
//! owner that resolves past it (it would start naming the renamed variable).

use super::names::stored_in;
use super::{Refusal, RenameError, Target};
use crate::analysis::{
    Analysis, Resolution, ScopeId, ScopeKind, Symbol, SymbolFlags, SymbolOrigin,
};
use crate::ide::FileView;

/// Refuses when `new` (normalised) would capture or shadow differently than the variable's name.
pub fn check(file: &FileView, target: &Target, new: &str) -> Result<(), RenameError> {
    let analysis = file.analysis;
    let owner = target.variable.scope;
    let users = target.scopes();
    let conflict = |message: String, at: ScopeId| RenameError {
        reason: Refusal::Conflict,
        message: format!("cannot rename `{}` to `{new}`: {message}", target.old),
        range: Some(analysis.scope(at).focus_range),
    };

    // The variable's own scopes: an existing `new` there would become the same variable.
    for &scope in &users {
        if let Some(existing) = named(analysis, scope, new) {
            return Err(conflict(
                format!(
                    "`{new}` is already {} in {}, which also uses `{}`",
                    describe(existing),
                    where_(file, scope, &existing.name),
                    target.old
                ),
                scope,
            ));
        }
    }

    // Scopes between a use and the owner: a `new` of theirs would intercept the use.
    for &scope in &users {
        if scope == owner || declares_global(analysis, target, scope) {
            continue;
        }
        let mut below = scope;
        for between in analysis.ancestors(scope) {
            if between == owner {
                break;
            }
            let kind = analysis.scope(between).kind;
            // Class bodies are invisible to nested functions, but not to 3.12+ annotation and
            // type-parameter scopes directly inside them.
            let sees_class = matches!(
                analysis.scope(below).kind,
                ScopeKind::TypeParams
                    | ScopeKind::TypeAlias
                    | ScopeKind::TypeVar
                    | ScopeKind::Annotation
            );
            // A captured variable passes through a class in between (a global does not): the
            // class's `new` would then also read the variable's cell where the class namespace
            // lacks it. Other scopes' `new` would intercept the use.
            let through_class = kind == ScopeKind::Class && !sees_class;
            let existing = named(analysis, between, new);
            if let Some(existing) = existing.filter(|_| !through_class || owner != ScopeId::MODULE)
            {
                let then = if through_class {
                    format!(
                        "which `{}` passes through to `{}`: the class body's `{new}` would then fall back on the renamed variable",
                        target.old,
                        file.scope_name(scope)
                    )
                } else {
                    format!(
                        "so the use of `{}` in `{}` would then name that `{new}`",
                        target.old,
                        file.scope_name(scope)
                    )
                };
                return Err(conflict(
                    format!(
                        "`{new}` is {} in {}, {then}",
                        describe(existing),
                        where_(file, between, &existing.name)
                    ),
                    between,
                ));
            }
            below = between;
        }
    }

    // Everywhere else below the owner: a `new` resolving past the owner would be captured by it.
    let owner_index = owner.index();
    for index in owner_index..analysis.scopes.len() {
        let scope = ScopeId(index as u32);
        if index > owner_index && !is_within(analysis, scope, owner) {
            break;
        }
        if users.contains(&scope) {
            continue;
        }
        let Some(existing) = named(analysis, scope, new) else {
            continue;
        };
        let reaches_owner = match existing.resolution {
            Resolution::Local | Resolution::Cell => false,
            Resolution::GlobalExplicit => owner == ScopeId::MODULE,
            Resolution::GlobalImplicit => true,
            Resolution::Free => !is_within(analysis, existing.variable.scope, owner),
        };
        if reaches_owner {
            let from = if existing.variable.scope == ScopeId::MODULE {
                "the module (a global or builtin)".to_owned()
            } else {
                format!("`{}`", file.scope_name(existing.variable.scope))
            };
            return Err(conflict(
                format!(
                    "{} uses `{new}` from {from}; it would then name the renamed variable",
                    where_(file, scope, &existing.name),
                ),
                scope,
            ));
        }
    }
    Ok(())
}

/// The entry of `scope` that `name` (normalised) would be stored as there. Entries that CPython
/// copies from a 3.12+ inlined comprehension (its own, isolated variables) do not count.
fn named<'a>(analysis: &'a Analysis, scope: ScopeId, name: &str) -> Option<&'a Symbol> {
    let stored = stored_in(analysis, scope, name);
    analysis
        .scope(scope)
        .symbols
        .iter()
        .filter(|s| s.origin != SymbolOrigin::Implied)
        .find(|s| *s.name == *stored)
        .filter(|s| !copied_from_inlined(analysis, scope, s))
}

/// Whether `symbol` of `scope` is only there because a 3.12+ inlined comprehension in it binds
/// the name: the scope itself never writes it.
fn copied_from_inlined(analysis: &Analysis, scope: ScopeId, symbol: &Symbol) -> bool {
    fn inlined_binds(analysis: &Analysis, scope: ScopeId, name: &str) -> bool {
        analysis.scope(scope).children.iter().any(|&c| {
            let child = analysis.scope(c);
            child.inlined
                && (child.symbol(name).is_some_and(Symbol::is_bound)
                    || inlined_binds(analysis, c, name))
        })
    }
    matches!(symbol.resolution, Resolution::Local | Resolution::Cell)
        && inlined_binds(analysis, scope, &symbol.name)
        && !analysis
            .occurrences_in(analysis.scope(scope).range)
            .iter()
            .any(|o| o.scope == scope && *analysis.name_of(o) == symbol.name)
}

/// Whether `scope` declares the target variable `global` (then no enclosing scope matters).
fn declares_global(analysis: &Analysis, target: &Target, scope: ScopeId) -> bool {
    target
        .occurrences
        .iter()
        .find(|o| o.scope == scope)
        .and_then(|o| analysis.scope(scope).symbol(analysis.name_of(o)))
        .is_some_and(|s| s.resolution == Resolution::GlobalExplicit)
}

/// Whether `scope` is `ancestor` or nested in it.
fn is_within(analysis: &Analysis, scope: ScopeId, ancestor: ScopeId) -> bool {
    scope == ancestor || analysis.ancestors(scope).any(|a| a == ancestor)
}

/// "assigned", "a parameter", "read", … for an existing entry.
fn describe(symbol: &Symbol) -> &'static str {
    let flags = symbol.flags;
    if flags.contains(SymbolFlags::PARAM) {
        "a parameter"
    } else if flags.contains(SymbolFlags::IMPORT) {
        "imported"
    } else if flags.contains(SymbolFlags::GLOBAL) {
        "declared `global`"
    } else if flags.contains(SymbolFlags::NONLOCAL) {
        "declared `nonlocal`"
    } else if flags.contains(SymbolFlags::LOCAL) {
        "assigned"
    } else if flags.contains(SymbolFlags::USE) {
        "read"
    } else if symbol.origin == SymbolOrigin::ClassCell {
        "an implicit cell"
    } else {
        "passed through to a nested scope"
    }
}

/// "`f` (line 3)", pointing at the first occurrence of `stored` written in `scope`.
fn where_(file: &FileView, scope: ScopeId, stored: &str) -> String {
    let analysis = file.analysis;
    let at = analysis
        .occurrences_in(analysis.scope(scope).range)
        .iter()
        .find(|o| o.scope == scope && **analysis.name_of(o) == *stored)
        .map_or(analysis.scope(scope).focus_range.start, |o| o.range.start);
    format!("`{}` (line {})", file.scope_name(scope), file.line(at))
}
