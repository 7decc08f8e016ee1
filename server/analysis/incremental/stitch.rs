//! Stitching chunk analyses into one analysis of the document: placing each chunk's scopes and
//! occurrences (ids and positions shifted), merging the module's symbols, putting the errors in
//! the whole analysis's order, finding again the facts other chunks may change, and patching
//! the previous version's stitched analysis in place when only some chunks changed.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::Tree;

use super::cell_owners;
use super::{ChunkAnalysis, Last, Spliced};
use crate::analysis::collect;
use crate::analysis::grammar::{CursorPool, SyntaxNode};
use crate::analysis::{
    Analysis, ClosureError, Facts, LoopClosure, Occurrence, PythonVersion, Resolution, Scope,
    ScopeDetails, ScopeId, SuperCall, Symbol, SymbolFlags, SymbolId, SymbolOrigin, TextRange,
    TooDeep,
};

/// Where one chunk sits in a stitched analysis.
#[derive(Clone)]
pub(super) struct Placed {
    chunk: Arc<ChunkAnalysis>,
    start: usize,
    row: u32,
    /// Index of the chunk's first scope after the module, and of its first occurrence.
    scope: usize,
    occurrence: usize,
    /// The stitched module's index of each of the chunk's module symbols.
    module_map: Arc<[u32]>,
    /// Whether a body splice changed the chunk since: `chunk` is the analysis of its old text
    /// (its part of the stitched analysis is up to date).
    stale: bool,
}

/// Where each chunk sits in a stitched analysis, in order.
pub(super) struct Layout {
    placed: Vec<Placed>,
    /// Whether body splices since the stitch may have renumbered the module's symbols: the
    /// chunks' `module_map`s are then found again by name.
    renumbered: bool,
}

impl Layout {
    /// The analysis of the chunk that started at `start` and was `len` bytes long, unless a
    /// body splice changed it since.
    pub(super) fn chunk(&self, start: usize, len: usize) -> Option<&Arc<ChunkAnalysis>> {
        let i = (self.placed)
            .binary_search_by_key(&start, |p| p.start)
            .ok()?;
        let placed = &self.placed[i];
        (!placed.stale && placed.chunk.len() == len).then_some(&placed.chunk)
    }

    /// The length of the chunk that started at `start`, when it annotates module variables
    /// (3.14: it may join several statements, see `fill`) and no body splice changed it since.
    pub(super) fn annotating_chunk(&self, start: usize) -> Option<usize> {
        let i = (self.placed)
            .binary_search_by_key(&start, |p| p.start)
            .ok()?;
        let placed = &self.placed[i];
        (!placed.stale && placed.chunk.annotates).then(|| placed.chunk.len())
    }

    /// The layout after a body splice (`spliced`, which made `analysis` from one with
    /// `occurrences` occurrences, adding `rows` lines): the chunk it changed is stale, those
    /// after it moved.
    pub(super) fn after_splice(
        mut self,
        spliced: &Spliced,
        analysis: &Analysis,
        occurrences: usize,
        rows: i64,
    ) -> Layout {
        let edit = spliced.edit;
        let changed = self
            .placed
            .partition_point(|p| p.start <= edit.start)
            .saturating_sub(1);
        let scopes = spliced.new_scopes.len() as i64 - spliced.old_scopes.len() as i64;
        let grown = analysis.occurrences.len() as i64 - occurrences as i64;
        if let Some(placed) = self.placed.get_mut(changed) {
            placed.stale = true;
        }
        for p in self.placed.iter_mut().skip(changed + 1) {
            p.start = edit.shift(p.start);
            p.row = (p.row as i64 + rows) as u32;
            p.scope = (p.scope as i64 + scopes) as usize;
            p.occurrence = (p.occurrence as i64 + grown) as usize;
        }
        self.renumbered = true;
        self
    }
}

/// Maps a chunk's ids into the stitched analysis: its scope `i` (i ≥ 1) becomes
/// `first_scope + i - 1`, its module symbols go through `module_map`.
pub(super) struct ChunkIds<'a> {
    first_scope: usize,
    module_map: &'a [u32],
}

impl ChunkIds<'_> {
    fn scope(&self, id: ScopeId) -> ScopeId {
        if id == ScopeId::MODULE {
            id
        } else {
            ScopeId(id.0 + self.first_scope as u32 - 1)
        }
    }

    fn symbol(&self, id: SymbolId) -> SymbolId {
        if id.scope == ScopeId::MODULE {
            SymbolId::new(id.scope, self.module_map[id.symbol.0 as usize] as usize)
        } else {
            SymbolId {
                scope: self.scope(id.scope),
                symbol: id.symbol,
            }
        }
    }

    fn symbol_of(&self, s: &Symbol) -> Symbol {
        Symbol {
            variable: self.symbol(s.variable),
            captures_from: s.captures_from.map(|c| self.scope(c)),
            captured_by: s.captured_by.iter().map(|&c| self.scope(c)).collect(),
            ..s.clone()
        }
    }
}

/// The chunk's scopes (without its module) and occurrences in document coordinates.
pub(super) fn place(
    chunk: &ChunkAnalysis,
    start: usize,
    row: u32,
    ids: &ChunkIds,
) -> (Vec<Scope>, Vec<Occurrence>) {
    let shift = |r: TextRange| TextRange::new(r.start + start, r.end + start);
    let analysis = &chunk.analysis;
    let scopes = analysis.scopes[1..]
        .iter()
        .map(|scope| Scope {
            parent: scope.parent.map(|p| ids.scope(p)),
            line: scope.line + row,
            code_line: scope.code_line + row,
            range: shift(scope.range),
            focus_range: shift(scope.focus_range),
            header_end: scope.header_end + start,
            details: Box::new(ScopeDetails {
                children: scope.children.iter().map(|&c| ids.scope(c)).collect(),
                symbols: scope.symbols.iter().map(|s| ids.symbol_of(s)).collect(),
                ..scope.details.without_links()
            }),
            ..*scope
        })
        .collect();
    let occurrences = analysis
        .occurrences
        .iter()
        .map(|o| Occurrence {
            range: shift(o.range),
            scope: ids.scope(o.scope),
            kind: o.kind,
            symbol: ids.symbol(o.symbol),
        })
        .collect();
    (scopes, occurrences)
}

/// The errors of every chunk, in document coordinates and in the order a whole analysis lists
/// them: every chunk's from visiting the statements, then every chunk's from resolving the
/// names (each chunk lists its own so; no chunk has an error in the module's own block, as
/// only a module-level `nonlocal` makes one, and that links the chunks). Rebuilt on each
/// stitch: they are few.
pub(super) fn placed_errors(layout: &[Placed]) -> Vec<ClosureError> {
    let mut errors = Vec::new();
    for resolving in [false, true] {
        for placed in layout {
            errors.extend(
                (placed.chunk.analysis.errors.iter())
                    .filter(|e| e.kind.is_resolution_error() == resolving)
                    .map(|e| ClosureError {
                        kind: e.kind.clone(),
                        range: TextRange::new(
                            e.range.start + placed.start,
                            e.range.end + placed.start,
                        ),
                    }),
            );
        }
    }
    errors
}

/// The facts of every chunk, in document coordinates (rebuilt on each stitch: they are few).
pub(super) fn placed_facts(layout: &[Placed]) -> Facts {
    let mut facts = Facts::default();
    for placed in layout {
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let start = placed.start;
        let mut chunk = placed.chunk.analysis.facts.clone();
        chunk.remap(|s| Some(ids.scope(s)), |at| at + start);
        facts.loop_closures.extend(chunk.loop_closures);
        facts.unassigned_reads.extend(chunk.unassigned_reads);
        facts.empty_cell_reads.extend(chunk.empty_cell_reads);
        facts.super_calls.extend(chunk.super_calls);
        facts.declarations.extend(chunk.declarations);
        facts.body_starts.extend(chunk.body_starts);
        facts.module_imports.extend(chunk.module_imports);
        facts.callee_reads.extend(chunk.callee_reads);
        facts.module_callees.extend(chunk.module_callees);
        facts.module_start = facts.module_start.or(chunk.module_start);
    }
    facts
}

/// Re-maps the references to module symbols of a chunk already in place, after the stitched
/// module's symbol order changed.
pub(super) fn remap_module_references(analysis: &mut Analysis, placed: &Placed) {
    let ids = ChunkIds {
        first_scope: placed.scope,
        module_map: &placed.module_map,
    };
    let chunk = &placed.chunk.analysis;
    for (i, scope) in chunk.scopes[1..].iter().enumerate() {
        let target = &mut analysis.scopes[placed.scope + i].symbols;
        for (symbol, original) in target.iter_mut().zip(&scope.symbols) {
            symbol.variable = ids.symbol(original.variable);
        }
    }
    let end = placed.occurrence + chunk.occurrences.len();
    for (o, original) in analysis.occurrences[placed.occurrence..end]
        .iter_mut()
        .zip(&chunk.occurrences)
    {
        o.symbol = ids.symbol(original.symbol);
    }
}

/// The module scope of the stitched analysis (children and symbols gathered from every chunk,
/// in the order a whole-file analysis lists them); per chunk, where its module symbols went;
/// and per module symbol, how many chunks bind it (see [`Binders`]).
pub(super) fn merge_modules(
    text: &str,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    first_scopes: &[usize],
) -> (Scope, Vec<Arc<[u32]>>, Vec<Binders>) {
    let first = &chunks[0].0.analysis.scopes[0];
    let mut module = Scope {
        range: TextRange::new(0, text.len()),
        details: Box::new(first.details.without_links()),
        ..*first
    };
    let mut index: HashMap<Arc<str>, u32> = HashMap::new();
    let mut binders: Vec<Binders> = Vec::new();
    // The symbol-table entries of every chunk first, then the implied globals, as in `export`.
    for origin in [SymbolOrigin::Symtable, SymbolOrigin::Implied] {
        for (chunk, _, _) in chunks {
            for symbol in &chunk.analysis.scopes[0].symbols {
                if symbol.origin != origin {
                    continue;
                }
                let binds = Binders::of(symbol);
                match index.get(&symbol.name) {
                    Some(&i) => {
                        merge_module_symbol(&mut module.symbols[i as usize], symbol);
                        binders[i as usize].add(binds);
                    }
                    None => {
                        let at = module.symbols.len();
                        index.insert(symbol.name.clone(), at as u32);
                        binders.push(binds);
                        module.symbols.push(Symbol {
                            variable: SymbolId::new(ScopeId::MODULE, at),
                            captures_from: None,
                            captured_by: Vec::new(),
                            ..symbol.clone()
                        });
                    }
                }
            }
        }
    }
    let mut maps = Vec::with_capacity(chunks.len());
    for ((chunk, _, _), &first_scope) in chunks.iter().zip(first_scopes) {
        let chunk_module = &chunk.analysis.scopes[0];
        let map: Arc<[u32]> = chunk_module
            .symbols
            .iter()
            .map(|s| index[&s.name])
            .collect();
        let ids = ChunkIds {
            first_scope,
            module_map: &map,
        };
        module
            .children
            .extend(chunk_module.children.iter().map(|&c| ids.scope(c)));
        for symbol in &chunk_module.symbols {
            let merged = &mut module.symbols[index[&symbol.name] as usize];
            merged
                .captured_by
                .extend(symbol.captured_by.iter().map(|&c| ids.scope(c)));
        }
        maps.push(map);
    }
    // A `yield` or `await` at module level (an error, but marked) in any statement marks it.
    let modules = || chunks.iter().map(|(c, _, _)| &c.analysis.scopes[0]);
    module.is_generator = modules().any(|m| m.is_generator);
    module.is_coroutine = modules().any(|m| m.is_coroutine);
    // The module's cells are every chunk's: its inlined comprehensions' (3.12+), in the order
    // they come, then 3.14's `__conditional_annotations__` (which an annotation in a conditional
    // block of any statement makes), as `code::cellvars` lays them out.
    let mut cells: Vec<String> = Vec::new();
    let mut conditional = false;
    for cell in modules()
        .filter_map(|m| m.code.as_ref())
        .flat_map(|c| &c.cellvars)
    {
        if cell == "__conditional_annotations__" {
            conditional = true;
        } else if !cells.contains(cell) {
            cells.push(cell.clone());
        }
    }
    if conditional {
        cells.push("__conditional_annotations__".to_owned());
    }
    if let Some(code) = &mut module.code {
        code.cellvars = cells;
    }
    (module, maps, binders)
}

/// How many chunks bind a module variable: at all (or declare it `global`), and otherwise than
/// by an import.
#[derive(Clone, Copy, Default)]
pub(super) struct Binders {
    any: u32,
    not_imported: u32,
}

impl Binders {
    /// One chunk's binding of its module symbol `symbol`.
    fn of(symbol: &Symbol) -> Binders {
        let flags = symbol.flags;
        let not_imported = SymbolFlags::LOCAL | SymbolFlags::PARAM | SymbolFlags::GLOBAL;
        Binders {
            any: flags.intersects(SymbolFlags::BOUND | SymbolFlags::GLOBAL) as u32,
            not_imported: flags.intersects(not_imported) as u32,
        }
    }

    fn add(&mut self, other: Binders) {
        self.any += other.any;
        self.not_imported += other.not_imported;
    }

    /// Whether a chunk that binds the name as `here` judged a call to it as the whole module
    /// would, when all chunks together bind it as `self`: unless another chunk binds it
    /// otherwise than by an import (it may define the function), or binds it at all while this
    /// one does too (bound twice, the function is not known).
    fn judged_alike(self, here: Binders) -> bool {
        let not_imported = self.not_imported - here.not_imported;
        let any = self.any - here.any;
        not_imported == 0 && (here.any == 0 || any == 0)
    }
}

/// The scopes whose facts a chunk judged from its own statements but other chunks may change,
/// to be found again on the whole module: those judged by what a name they call is bound to
/// ([`Facts::module_callees`]) when other chunks' bindings of the name may change the judgment
/// (`binders`, from [`merge_modules`]; see [`Binders::judged_alike`]); and the loop closures
/// made at module level or bound to a global, whose name other statements may use (and a
/// module-level one is bound to a global when any function declares one); and the module-level
/// functions calling `super()`, whose facts read how other statements call them.
pub(super) fn judged_across_chunks(layout: &[Placed], binders: &[Binders]) -> Vec<ScopeId> {
    let mut readers = Vec::new();
    for placed in layout {
        let chunk = &placed.chunk.analysis;
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let module = &chunk.scopes[0].symbols;
        for callee in &chunk.facts.module_callees {
            let local = module.iter().position(|s| s.name == callee.name);
            let alike = local.is_some_and(|local| {
                let all = binders[placed.module_map[local] as usize];
                all.judged_alike(Binders::of(&module[local]))
            });
            if !alike {
                readers.push(ids.scope(callee.reader));
            }
        }
        let global = |c: &&LoopClosure| c.maker == ScopeId::MODULE || c.bound_to_global;
        let closures = chunk.facts.loop_closures.iter().filter(global);
        readers.extend(closures.map(|c| ids.scope(c.scope)));
        // A `super()` call's facts read how the module calls its function (by name), also
        // when the function is generic (its name is bound outside its type parameters' scope).
        let top = |c: &&SuperCall| chunk.defining_scope(c.frame) == Some(ScopeId::MODULE);
        let calls = chunk.facts.super_calls.iter().filter(top);
        readers.extend(calls.map(|c| ids.scope(c.frame)));
    }
    readers.sort_unstable();
    readers.dedup();
    readers
}

/// The first scope index each chunk gets when placed after the module, in order.
pub(super) fn first_scopes(
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    mut next: usize,
) -> Vec<usize> {
    chunks
        .iter()
        .map(|(chunk, _, _)| {
            let first = next;
            next += chunk.analysis.scopes.len() - 1;
            first
        })
        .collect()
}

/// Joins chunk analyses into one, in document coordinates (parsed into `tree`): by patching the
/// previous version's result in place when possible (only the changed chunks are converted),
/// else from scratch.
pub(super) fn stitch(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    last: Option<Last>,
) -> (Arc<Analysis>, Layout) {
    // The module's cells of the last version: a free name a patch keeps may read one no more.
    let module_cells = |a: &Analysis| cell_owners::cells(a, ScopeId::MODULE);
    let mut cells = last
        .as_ref()
        .map_or_else(Vec::new, |l| module_cells(&l.analysis));
    let patched = last.and_then(|prev| patch(text, chunks, prev));
    let mut stitched = patched.unwrap_or_else(|| stitch_fresh(text, version, chunks));
    cells.extend(module_cells(&stitched.analysis));
    if !cells.is_empty() {
        let scopes = 1..stitched.analysis.scopes.len() as u32;
        cell_owners::relink(&mut stitched.analysis, scopes, Some(&cells));
    }
    let (mut analysis, layout) = stitched.with_facts_refound(text, tree);
    let root = SyntaxNode::new(tree.root_node());
    let first_line = collect::first_statement_line(root, &CursorPool::default());
    start_module_annotate(&mut analysis, first_line);
    (Arc::new(analysis), layout)
}

/// 3.14: starts the module's `__annotate__` scope (if it has one) at `first_line`, the line of
/// the module's first statement (a chunk's own analysis starts it at the chunk's).
pub(super) fn start_module_annotate(analysis: &mut Analysis, first_line: u32) {
    let module = &analysis.scopes[0];
    let annotate = (module.children.iter()).find(|&&c| analysis.scope(c).annotates_body());
    if let Some(&id) = annotate {
        analysis.scopes[id.index()].code_line = first_line;
    }
}

/// A stitched analysis, where each chunk sits in it, and the scopes whose facts must be found
/// again on the whole module ([`judged_across_chunks`]).
pub(super) struct Stitched {
    pub(super) analysis: Analysis,
    layout: Layout,
    refind: Vec<ScopeId>,
}

impl Stitched {
    /// The analysis with the facts to find again found in `tree` (the document's), and the
    /// layout.
    pub(super) fn with_facts_refound(mut self, text: &str, tree: &Tree) -> (Analysis, Layout) {
        if !self.refind.is_empty() {
            let root = SyntaxNode::new(tree.root_node());
            super::super::flow::refind(text, root, &mut self.analysis, &self.refind);
        }
        (self.analysis, self.layout)
    }
}

pub(super) fn stitch_fresh(
    text: &str,
    version: PythonVersion,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
) -> Stitched {
    let mut out = Analysis {
        version,
        ..Analysis::default()
    };
    let firsts = first_scopes(chunks, 1);
    let (module, maps, binders) = merge_modules(text, chunks, &firsts);
    out.scopes.push(module);
    let mut layout = Vec::with_capacity(chunks.len());
    for ((chunk, start, row), map) in chunks.iter().zip(maps) {
        let placed = Placed {
            chunk: Arc::clone(chunk),
            start: *start,
            row: *row,
            scope: out.scopes.len(),
            occurrence: out.occurrences.len(),
            module_map: map,
            stale: false,
        };
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let (scopes, occurrences) = place(chunk, *start, *row, &ids);
        out.scopes.extend(scopes);
        out.occurrences.extend(occurrences);
        out.parse_errors.extend(
            (chunk.analysis.parse_errors.iter())
                .map(|r| TextRange::new(r.start + start, r.end + start)),
        );
        out.too_deep = out.too_deep.or_else(|| too_deep(&placed));
        out.has_star_import |= chunk.analysis.has_star_import;
        layout.push(placed);
    }
    out.facts = placed_facts(&layout);
    out.errors = placed_errors(&layout);
    Stitched {
        analysis: out,
        refind: judged_across_chunks(&layout, &binders),
        layout: Layout {
            placed: layout,
            renumbered: false,
        },
    }
}

/// The chunk's first code too deep to analyse, in document coordinates.
pub(super) fn too_deep(placed: &Placed) -> Option<TooDeep> {
    let deep = placed.chunk.analysis.too_deep.as_ref()?;
    let range = TextRange::new(
        deep.range.start + placed.start,
        deep.range.end + placed.start,
    );
    Some(TooDeep { range, ..*deep })
}

/// Patches the previous stitched analysis for `chunks`; `None` when it is still shared.
pub(super) fn patch(
    text: &str,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    prev: Last,
) -> Option<Stitched> {
    let Layout {
        placed: mut layout,
        renumbered,
    } = prev.layout?;
    let mut analysis = Arc::try_unwrap(prev.analysis).ok()?;
    if renumbered {
        // Body splices may have renumbered the module's symbols: the chunks' maps follow.
        let index: HashMap<&str, u32> = (analysis.scopes[0].symbols.iter().enumerate())
            .map(|(i, s)| (&*s.name, i as u32))
            .collect();
        for placed in layout.iter_mut().filter(|p| !p.stale) {
            let module = &placed.chunk.analysis.scopes[0].symbols;
            placed.module_map = (module.iter())
                .map(|s| index.get(&*s.name).copied())
                .collect::<Option<_>>()?;
        }
    }
    let (n_old, n_new) = (layout.len(), chunks.len());
    let same =
        |p: &Placed, c: &(Arc<ChunkAnalysis>, usize, u32)| !p.stale && Arc::ptr_eq(&p.chunk, &c.0);
    let prefix = layout
        .iter()
        .zip(chunks)
        .take_while(|(p, c)| same(p, c) && p.start == c.1)
        .count();
    let suffix = layout[prefix..]
        .iter()
        .rev()
        .zip(chunks[prefix..].iter().rev())
        .take_while(|(p, c)| same(p, c))
        .count();
    let (old_end, new_end) = (n_old - suffix, n_new - suffix);
    // Old middle: layout[prefix..old_end], replaced by chunks[prefix..new_end].
    let bound = |i: usize| -> (usize, usize) {
        match layout.get(i) {
            Some(p) => (p.scope, p.occurrence),
            None => (analysis.scopes.len(), analysis.occurrences.len()),
        }
    };
    let (scope_lo, occ_lo) = bound(prefix);
    let (scope_hi, occ_hi) = bound(old_end);
    let firsts = first_scopes(chunks, 1);
    let (module, maps, binders) = merge_modules(text, chunks, &firsts);
    let mut new_layout: Vec<Placed> = layout[..prefix].to_vec();
    let (mut scopes, mut occurrences) = (Vec::new(), Vec::new());
    for ((chunk, start, row), map) in chunks[prefix..new_end].iter().zip(&maps[prefix..]) {
        let placed = Placed {
            chunk: Arc::clone(chunk),
            start: *start,
            row: *row,
            scope: scope_lo + scopes.len(),
            occurrence: occ_lo + occurrences.len(),
            module_map: Arc::clone(map),
            stale: false,
        };
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let (s, o) = place(chunk, *start, *row, &ids);
        scopes.extend(s);
        occurrences.extend(o);
        new_layout.push(placed);
    }
    let scope_delta = scope_lo as i64 + scopes.len() as i64 - scope_hi as i64;
    let occ_delta = occ_lo as i64 + occurrences.len() as i64 - occ_hi as i64;
    let (byte_delta, row_delta) = match (layout.get(old_end), chunks.get(new_end)) {
        (Some(p), Some(c)) => (c.1 as i64 - p.start as i64, c.2 as i64 - p.row as i64),
        _ => (0, 0),
    };
    let after_scopes = scope_lo + scopes.len();
    let after_occurrences = occ_lo + occurrences.len();
    analysis.scopes.splice(scope_lo..scope_hi, scopes);
    analysis.occurrences.splice(occ_lo..occ_hi, occurrences);

    let id = |id: ScopeId| {
        if id == ScopeId::MODULE {
            id
        } else {
            ScopeId((id.0 as i64 + scope_delta) as u32)
        }
    };
    let symbol = |s: SymbolId| SymbolId {
        scope: id(s.scope),
        symbol: s.symbol,
    };
    let by = |offset: usize| (offset as i64 + byte_delta) as usize;
    let range = |r: TextRange| TextRange::new(by(r.start), by(r.end));
    if scope_delta != 0 || byte_delta != 0 || row_delta != 0 {
        for scope in &mut analysis.scopes[after_scopes..] {
            scope.parent = scope.parent.map(id);
            scope.children.iter_mut().for_each(|c| *c = id(*c));
            scope.line = (scope.line as i64 + row_delta) as u32;
            scope.code_line = (scope.code_line as i64 + row_delta) as u32;
            scope.range = range(scope.range);
            scope.focus_range = range(scope.focus_range);
            scope.header_end = by(scope.header_end);
            for s in &mut scope.symbols {
                s.variable = symbol(s.variable);
                s.captures_from = s.captures_from.map(id);
                s.captured_by.iter_mut().for_each(|c| *c = id(*c));
            }
        }
        for o in &mut analysis.occurrences[after_occurrences..] {
            o.range = range(o.range);
            o.scope = id(o.scope);
            o.symbol = symbol(o.symbol);
        }
    }
    for p in &layout[old_end..] {
        new_layout.push(Placed {
            chunk: Arc::clone(&p.chunk),
            start: by(p.start),
            row: (p.row as i64 + row_delta) as u32,
            scope: (p.scope as i64 + scope_delta) as usize,
            occurrence: (p.occurrence as i64 + occ_delta) as usize,
            module_map: Arc::clone(&p.module_map),
            stale: false,
        });
    }
    // Chunks kept in place whose module symbols moved: their references follow.
    for (placed, map) in new_layout.iter_mut().zip(&maps) {
        if placed.module_map != *map {
            placed.module_map = Arc::clone(map);
            remap_module_references(&mut analysis, placed);
        }
    }
    analysis.scopes[0] = module;
    analysis.facts = placed_facts(&new_layout);
    analysis.errors = placed_errors(&new_layout);
    analysis.parse_errors = new_layout
        .iter()
        .flat_map(|p| {
            (p.chunk.analysis.parse_errors.iter())
                .map(|r| TextRange::new(r.start + p.start, r.end + p.start))
        })
        .collect();
    analysis.too_deep = new_layout.iter().find_map(too_deep);
    analysis.has_star_import = new_layout.iter().any(|p| p.chunk.analysis.has_star_import);
    // The occurrences moved: the per-variable index built for the previous text is stale.
    analysis.by_variable = Default::default();
    #[cfg(test)]
    super::tests::PATCHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Some(Stitched {
        analysis,
        refind: judged_across_chunks(&new_layout, &binders),
        layout: Layout {
            placed: new_layout,
            renumbered: false,
        },
    })
}

/// Adds another chunk's view of a module symbol: flags accumulate, and the resolution follows
/// them as CPython's `analyze_name` decides it at module level.
pub(super) fn merge_module_symbol(existing: &mut Symbol, other: &Symbol) {
    existing.flags |= other.flags;
    if other.origin == SymbolOrigin::Symtable {
        existing.origin = SymbolOrigin::Symtable;
    }
    existing.resolution = if existing.flags.contains(SymbolFlags::GLOBAL) {
        Resolution::GlobalExplicit
    } else if existing.flags.intersects(SymbolFlags::BOUND) {
        Resolution::Local
    } else {
        existing.resolution
    };
}
