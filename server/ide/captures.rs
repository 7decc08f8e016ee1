//! What a closure captures, and the one wording every surface (hints, lenses, hovers, `check`)
//! uses for it: `nonlocal count`, `step`, `fn (pass-through)`; "count, step from make_counter".

use rustc_hash::FxHashMap;

use super::FileView;
use crate::analysis::{
    Occurrence, Resolution, Scope, ScopeId, ScopeKind, Symbol, SymbolId, SymbolOrigin, TextRange,
    is_user_visible,
};

/// How a closure uses a captured cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureMode {
    /// Read (also when declared `nonlocal` but never rebound).
    Read,
    /// Rebound through `nonlocal`: the write changes the cell every sharer sees.
    NonlocalWrite,
    /// Never used here; only forwarded to a nested scope.
    PassThrough,
}

/// One entry of a closure's `__closure__`.
#[derive(Clone, Debug)]
pub struct Capture<'a> {
    /// Position in `__closure__` (`co_freevars` order).
    pub index: usize,
    /// The name as CPython stores it (normalised, mangled).
    pub name: &'a str,
    /// The name as the source spells it.
    pub display: String,
    /// The scope whose frame creates the cell.
    pub owner: Option<ScopeId>,
    /// The variable the cell holds.
    pub variable: Option<SymbolId>,
    /// The first binding of that variable.
    pub binding: Option<&'a Occurrence>,
    /// How the closure uses it.
    pub mode: CaptureMode,
}

impl CaptureMode {
    /// How the closure uses the cell, as the hover tables word it.
    pub fn usage(self) -> &'static str {
        match self {
            CaptureMode::PassThrough => "pass-through (only for a nested scope)",
            CaptureMode::NonlocalWrite => "written (`nonlocal`)",
            CaptureMode::Read => "read",
        }
    }
}

impl Capture<'_> {
    /// The capture as every surface writes it: `nonlocal count`, `step`, `fn (pass-through)`.
    pub fn label(&self) -> String {
        match self.mode {
            CaptureMode::Read => self.display.clone(),
            CaptureMode::NonlocalWrite => format!("nonlocal {}", self.display),
            CaptureMode::PassThrough => format!("{} (pass-through)", self.display),
        }
    }

    /// Where to point at the cell: the variable's first binding, else its owner's name.
    pub fn target(&self, file: &FileView) -> Option<TextRange> {
        self.binding
            .map(|b| b.range)
            .or_else(|| self.owner.map(|o| file.analysis.scope(o).focus_range))
    }
}

/// Whether the editor decorates `scope` as a closure: a `def` or `lambda` that compiles to a code
/// object of its own.
pub fn is_closure_scope(scope: &Scope) -> bool {
    scope.kind.is_user_function() && !scope.inlined && scope.code.is_some()
}

/// Every code object that closes over a name the user wrote (functions, lambdas, classes,
/// generator expressions, 3.11 comprehensions, type aliases…): what `check` reports.
pub fn closures<'f>(file: &'f FileView) -> impl Iterator<Item = ScopeId> + 'f {
    file.analysis
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !matches!(s.kind, ScopeKind::Annotation | ScopeKind::TypeParams)
                && s.code
                    .as_ref()
                    .is_some_and(|c| c.freevars.iter().any(|n| is_user_visible(n)))
        })
        .map(|(i, _)| ScopeId(i as u32))
}

/// The captures of `id` in `__closure__` order, without the cells CPython invents
/// (`__classdict__`, `.type_params`, …); empty for a scope without a code object.
pub fn captures<'a>(file: &FileView<'a>, id: ScopeId) -> Vec<Capture<'a>> {
    let analysis = file.analysis;
    let scope = analysis.scope(id);
    let Some(code) = &scope.code else {
        return Vec::new();
    };
    let mut free: Vec<&Symbol> = scope
        .symtable()
        .filter(|s| s.in_closure() && is_user_visible(&s.name))
        .collect();
    free.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    let variables: Vec<Option<SymbolId>> = free.iter().map(|s| cell_variable(file, s)).collect();
    let bindings = first_bindings(file, variables.iter().flatten().copied());
    code.freevars
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            let at = free.binary_search_by(|s| (*s.name).cmp(name)).ok()?;
            let symbol = free[at];
            let variable = variables[at];
            let binding = variable.and_then(|v| bindings.get(&v).copied());
            let display = match binding {
                Some(b) => file.text(b.range).to_owned(),
                None => file.source_name(name, scope.range),
            };
            let mode = if symbol.is_pass_through() {
                CaptureMode::PassThrough
            } else if symbol.is_nonlocal_write() {
                CaptureMode::NonlocalWrite
            } else {
                CaptureMode::Read
            };
            Some(Capture {
                index,
                name: &symbol.name,
                display,
                owner: symbol.captures_from,
                variable,
                binding,
                mode,
            })
        })
        .collect()
}

/// The variable whose cell a name in `co_freevars` holds. For a class that binds the name itself
/// while a method captures it (`DEF_FREE_CLASS`), that is the enclosing scope's variable, not
/// the class's own.
fn cell_variable(file: &FileView, symbol: &Symbol) -> Option<SymbolId> {
    if symbol.resolution == Resolution::Free {
        return Some(symbol.variable);
    }
    let owner = symbol.captures_from?;
    let analysis = file.analysis;
    let cell = analysis
        .symbols(owner)
        .find(|(_, s)| s.name == symbol.name && s.origin != SymbolOrigin::Implied)?;
    Some(cell.1.variable)
}

/// The first binding of each of `variables`, scanning each owning scope's occurrences once.
fn first_bindings<'a>(
    file: &FileView<'a>,
    variables: impl Iterator<Item = SymbolId>,
) -> FxHashMap<SymbolId, &'a Occurrence> {
    let analysis = file.analysis;
    variables
        .filter_map(|v| Some((v, analysis.bindings_of(v).next()?)))
        .collect()
}

/// What a closure captures, grouped by the scope whose cells they are, in `__closure__` order
/// within a group and by first appearance across groups: "count, step from make_counter".
pub fn describe(file: &FileView, captures: &[Capture]) -> String {
    let mut groups: Vec<(Option<ScopeId>, Vec<String>)> = Vec::new();
    for c in captures {
        match groups.iter_mut().find(|(owner, _)| *owner == c.owner) {
            Some((_, labels)) => labels.push(c.label()),
            None => groups.push((c.owner, vec![c.label()])),
        }
    }
    groups
        .iter()
        .map(|(owner, labels)| match owner {
            Some(o) => format!("{} from {}", labels.join(", "), file.scope_name(*o)),
            None => labels.join(", "),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The captures a hint or lens shows: pass-through names only when `pass_through` is set.
pub fn shown<'a>(captures: Vec<Capture<'a>>, pass_through: bool) -> Vec<Capture<'a>> {
    captures
        .into_iter()
        .filter(|c| pass_through || c.mode != CaptureMode::PassThrough)
        .collect()
}
