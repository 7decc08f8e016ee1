//! The editor features, each a pure function of a document snapshot and the settings.

pub mod code_lens;
pub mod definition;
pub mod diagnostics;
pub mod highlight;
pub mod hover;
pub mod inlay_hints;

use std::cell::OnceCell;
use std::collections::HashMap;

use ls_types::{Location, Position, Range};

use crate::analysis::{Analysis, Occurrence, OccurrenceKind, Scope, ScopeId, ScopeKind, TextRange};
use crate::line_index::Encoding;
use crate::lsp::config::Settings;
use crate::lsp::convert;
use crate::lsp::documents::Document;

/// Owners with at most this many occurrences are scanned for a binding; bigger ones are looked
/// up in an index built once per request.
const SCAN_LIMIT: usize = 4096;

/// What every feature works on: one document version, its analysis, the encoding and settings.
pub struct Ctx<'a> {
    /// The document snapshot.
    pub doc: &'a Document,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// Current settings.
    pub settings: &'a Settings,
    /// Bindings by (owning scope, name), built on first use: looking them up by scanning the
    /// owner's occurrences made a hint request quadratic (60,000 lambdas capturing one name).
    bindings: OnceCell<HashMap<(ScopeId, &'a str), Vec<&'a Occurrence>>>,
}

impl<'a> Ctx<'a> {
    /// A context for `doc` (computing its analysis if needed).
    pub fn new(doc: &'a Document, encoding: Encoding, settings: &'a Settings) -> Self {
        Ctx {
            doc,
            analysis: doc.analysis(),
            encoding,
            settings,
            bindings: OnceCell::new(),
        }
    }

    /// The LSP range of `range`.
    pub fn range(&self, range: TextRange) -> Range {
        convert::range(&self.doc.line_index, range, self.encoding)
    }

    /// The LSP position of `offset`.
    pub fn position(&self, offset: usize) -> Position {
        convert::position(&self.doc.line_index, offset, self.encoding)
    }

    /// The byte offset of an LSP position (clamped).
    pub fn offset(&self, position: Position) -> usize {
        convert::offset(&self.doc.line_index, position, self.encoding)
    }

    /// A location in this document.
    pub fn location(&self, range: TextRange) -> Location {
        Location::new(self.doc.uri.clone(), self.range(range))
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.doc.line_index.line_col(offset, Encoding::Utf8).line + 1
    }

    /// The source text of `range` (empty if the range is not valid for the text).
    pub fn text(&self, range: TextRange) -> &'a str {
        self.doc.text.get(range.start..range.end).unwrap_or("")
    }

    /// The trimmed source line holding `offset`.
    pub fn line_text(&self, offset: usize) -> &'a str {
        let line = self.line(offset) - 1;
        let index = &self.doc.line_index;
        self.text(TextRange::new(index.line_start(line), index.line_end(line)))
            .trim()
    }

    /// The scope with id `id`.
    pub fn scope(&self, id: ScopeId) -> &'a Scope {
        self.analysis.scope(id)
    }

    /// The occurrences whose start lies in `range` (a slice of the sorted list).
    pub fn occurrences_in(&self, range: TextRange) -> &'a [Occurrence] {
        let occ = &self.analysis.occurrences;
        let lo = occ.partition_point(|o| o.range.start < range.start);
        let hi = occ.partition_point(|o| o.range.start <= range.end);
        &occ[lo..hi.max(lo)]
    }

    /// The bindings (writes and parameters) of variable `name` living in `owner`, in source order.
    pub fn bindings(&self, owner: ScopeId, name: &str) -> Vec<&'a Occurrence> {
        let range = if owner == ScopeId::MODULE {
            TextRange::new(0, self.doc.text.len())
        } else {
            self.scope(owner).range
        };
        let scanned = self.occurrences_in(range);
        if scanned.len() <= SCAN_LIMIT {
            return scanned
                .iter()
                .filter(|o| {
                    *o.name == *name && is_binding(o.kind) && self.lives_in(o.resolves_to, owner)
                })
                .collect();
        }
        let index = self.bindings.get_or_init(|| self.binding_index());
        index.get(&(owner, name)).map_or_else(Vec::new, |found| {
            found
                .iter()
                .copied()
                .filter(|o| range.contains(o.range.start))
                .collect()
        })
    }

    /// Every binding under each scope it lives in: its own, and the frames its 3.12+ inlined
    /// comprehensions live in (see [`Ctx::lives_in`]).
    fn binding_index(&self) -> HashMap<(ScopeId, &'a str), Vec<&'a Occurrence>> {
        let mut index: HashMap<(ScopeId, &'a str), Vec<&'a Occurrence>> = HashMap::new();
        for o in self
            .analysis
            .occurrences
            .iter()
            .filter(|o| is_binding(o.kind))
        {
            let mut current = o.resolves_to;
            loop {
                index.entry((current, &*o.name)).or_default().push(o);
                let scope = self.scope(current);
                match scope.parent {
                    Some(parent) if scope.inlined => current = parent,
                    _ => break,
                }
            }
        }
        index
    }

    /// Whether a variable resolved to `scope` lives in `owner`: the same scope, or a 3.12+ inlined
    /// comprehension whose variables live in the frame of `owner`.
    pub fn lives_in(&self, scope: ScopeId, owner: ScopeId) -> bool {
        let mut current = scope;
        loop {
            if current == owner {
                return true;
            }
            let s = self.scope(current);
            match s.parent {
                Some(parent) if s.inlined => current = parent,
                _ => return false,
            }
        }
    }

    /// How the source spells `name` (as CPython stores it) near `range`: `__x` rather than `_C__x`.
    pub fn source_name(&self, name: &str, near: TextRange) -> String {
        if let Some(o) = self.occurrences_in(near).iter().find(|o| *o.name == *name) {
            let text = self.text(o.range);
            if !text.is_empty() {
                return text.to_owned();
            }
        }
        demangle(name).to_owned()
    }

    /// A short name for a scope: `increment`, `<lambda>`, `<genexpr>`, `C`.
    pub fn scope_name(&self, id: ScopeId) -> String {
        let scope = self.scope(id);
        if scope.kind == ScopeKind::Module {
            return "<module>".into();
        }
        match scope.qualname.rsplit('.').next() {
            Some(last) if !last.is_empty() => last.to_owned(),
            _ => scope.name.clone(),
        }
    }

    /// Where a def's or lambda's header ends: just after its `:` (or after its name if it has none).
    pub fn header_end(&self, id: ScopeId) -> usize {
        self.scope(id).header_end
    }
}

/// Whether an occurrence binds its name.
pub fn is_binding(kind: OccurrenceKind) -> bool {
    matches!(kind, OccurrenceKind::Write | OccurrenceKind::Param)
}

/// `_C__x` → `__x`; other names unchanged.
pub fn demangle(name: &str) -> &str {
    if name.starts_with('_') && !name.starts_with("__") {
        if let Some(i) = name[1..].find("__") {
            let rest = &name[1 + i..];
            if rest.len() > 2 && !rest.ends_with("__") {
                return rest;
            }
        }
    }
    name
}

/// One entry of a closure's `__closure__`.
pub struct Capture<'a> {
    /// Position in `__closure__` (`co_freevars` order).
    pub index: usize,
    /// The name as CPython stores it.
    pub name: &'a str,
    /// The name as the source spells it.
    pub display: String,
    /// The scope that owns the cell.
    pub owner: Option<ScopeId>,
    /// The first binding of the name in the owner.
    pub binding: Option<&'a Occurrence>,
    /// Written here through `nonlocal`.
    pub written: bool,
    /// Never used here; only forwarded to a nested scope.
    pub pass_through: bool,
}

/// The captures of `scope`, in `__closure__` order (empty for scopes without a code object).
pub fn captures<'a>(ctx: &Ctx<'a>, id: ScopeId) -> Vec<Capture<'a>> {
    let scope = ctx.scope(id);
    let Some(code) = &scope.code else {
        return Vec::new();
    };
    code.freevars
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let symbol = scope.symbol(name);
            let owner = symbol.and_then(|s| s.captures_from);
            let binding = owner.and_then(|o| ctx.bindings(o, name).into_iter().next());
            let flags = symbol.map(|s| s.flags).unwrap_or_default();
            let display = match binding {
                Some(b) => ctx.text(b.range).to_owned(),
                None => ctx.source_name(name, scope.range),
            };
            Capture {
                index,
                name,
                display: if display.is_empty() {
                    demangle(name).to_owned()
                } else {
                    display
                },
                owner,
                binding,
                written: flags.has(crate::analysis::SymbolFlags::NONLOCAL)
                    && flags.has(crate::analysis::SymbolFlags::LOCAL),
                pass_through: symbol.is_some_and(|s| s.is_pass_through()),
            }
        })
        .collect()
}

/// Whether `scope` is one the closure features describe: a def or lambda with a code object.
pub fn is_closure_candidate(scope: &Scope) -> bool {
    scope.kind.is_user_function() && !scope.inlined && scope.code.is_some()
}

/// Where to point at a capture's cell: its binding, else the owner's name.
pub fn capture_location_range(ctx: &Ctx, capture: &Capture) -> Option<TextRange> {
    capture
        .binding
        .map(|b| b.range)
        .or_else(|| capture.owner.map(|o| ctx.scope(o).focus_range))
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn demangles_private_names() {
        assert_eq!(demangle("_C__x"), "__x");
        assert_eq!(demangle("__x"), "__x");
        assert_eq!(demangle("_x"), "_x");
        assert_eq!(demangle("x"), "x");
        assert_eq!(demangle("_C__init__"), "_C__init__");
    }
}
