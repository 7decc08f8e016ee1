//! Re-analysis per top-level statement: what a closure captures never crosses a top-level
//! statement, so after an edit only the statements whose text changed are analysed again; the
//! others come from a per-document cache and are stitched into one [`Analysis`].
//!
//! Each chunk (one or more whole lines starting with a top-level statement) is analysed as a
//! module of its own, read off the document's tree (one parse per edit): the analysis a chunk's
//! text parsed on its own would get ([`analyze_statements`](super::analyze_statements), tested
//! field for field against [`analyze`](super::analyze)), kept in the chunk's coordinates and
//! keyed by its text; offsets, lines and scope ids are shifted into place when stitched. Modules
//! whose top level links statements together (`from __future__` imports, module-level
//! `global`/`nonlocal`) are analysed whole instead.
//!
//! Stitched == whole, always: a text whose tree has an ERROR or MISSING node is analysed whole.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::Tree;

use crate::analysis::{
    Analysis, ClosureError, Facts, Occurrence, PythonVersion, Resolution, Scope, ScopeId, Symbol,
    SymbolFlags, SymbolId, SymbolOrigin, TextRange, TooDeep,
};
use crate::syntax;

mod body;
mod implied;
#[doc(hidden)]
pub mod random_edits;

pub use body::{Edit, Spliced};

/// One chunk's analysis, in the chunk's own coordinates.
pub struct ChunkAnalysis {
    analysis: Analysis,
}

/// Chunk analyses of one document, keyed by chunk text, for one Python version.
#[derive(Default)]
pub struct ChunkCache {
    version: Option<PythonVersion>,
    entries: HashMap<String, Arc<ChunkAnalysis>>,
    /// The analysis computed last, which the next version's starts from.
    last: Option<Last>,
    /// How many analyses were made by re-analysing one function body.
    body_splices: u64,
    /// How many times the previous analysis was copied before re-analysing (it was shared).
    copies: u64,
}

/// The chunks of `text`: (start byte, start row), tiling the text from 0 to its end.
fn chunk_starts(tree: &Tree) -> Option<Vec<(usize, usize)>> {
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let mut starts = vec![(0, 0)];
    let mut covered = 0;
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        if matches!(
            child.kind(),
            "future_import_statement" | "global_statement" | "nonlocal_statement"
        ) {
            return None;
        }
        let at = child.start_byte();
        if child.start_position().column == 0 && at >= covered && at > starts.last()?.0 {
            starts.push((at, child.start_position().row));
        }
        covered = covered.max(child.end_byte());
    }
    Some(starts)
}

/// The analysis of `text`, version `generation` of a document (versions count up), parsed into
/// `tree`, from the analysis of an earlier version kept in `cache`: when `edit_since` tells what
/// changed since that version (given its generation) and the change lies in one function's
/// body, only that body is analysed again; else the changed top-level statements (once the
/// cache holds them, see [`warm`]); else the whole text, with `whole` (which gives
/// [`analyze`](super::analyze)'s result, perhaps from stages its caller ran). With the change
/// comes where the syntax tree changed (tree-sitter's changed ranges, in `text`). The result is
/// kept for the next version.
pub fn analyze_version(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    generation: u64,
    cache: &mut ChunkCache,
    edit_since: impl FnOnce(u64) -> Option<(Edit, Vec<TextRange>)>,
    whole: impl FnOnce() -> Analysis,
) -> Arc<Analysis> {
    let rows = tree.root_node().end_position().row;
    if let Some(last) = cache.last.take() {
        let edit = (last.analysis.version == version && last.generation < generation)
            .then(|| edit_since(last.generation))
            .flatten()
            .filter(|(e, _)| e.new_end - e.start + last.len == text.len() + e.old_end - e.start);
        match edit {
            Some((edit, changed)) => {
                let Last {
                    analysis,
                    layout,
                    mut implied,
                    ..
                } = last;
                let prev = Arc::try_unwrap(analysis).unwrap_or_else(|shared| {
                    cache.copies += 1;
                    (*shared).clone()
                });
                let added = rows as i64 - last.rows as i64;
                match body::reanalyze(prev, &mut implied, text, tree, edit, &changed, added) {
                    Ok((analysis, spliced)) => {
                        cache.body_splices += 1;
                        let analysis = cache.keep(Arc::new(analysis), None, generation, text, tree);
                        if let Some(kept) = &mut cache.last {
                            kept.implied = implied;
                            kept.spliced = Some((last.generation, spliced));
                        }
                        return analysis;
                    }
                    Err(prev) => {
                        cache.last = Some(Last {
                            analysis: Arc::new(*prev),
                            layout,
                            implied,
                            ..last
                        });
                    }
                }
            }
            None => cache.last = Some(last),
        }
    }
    if !cache.is_empty() {
        if let Some(stitched) = stitched(text, tree, version, generation, cache) {
            return stitched;
        }
    }
    let analysis = Arc::new(whole());
    cache.keep(analysis, None, generation, text, tree)
}

/// Analyses `text` chunk by chunk, reusing `cache`; `None` when the module must be analysed whole
/// (with [`analyze`](crate::analysis::analyze)).
fn stitched(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    generation: u64,
    cache: &mut ChunkCache,
) -> Option<Arc<Analysis>> {
    let chunks = fill(text, tree, version, cache)?;
    let (analysis, layout) = stitch(text, tree, version, &chunks, cache.last.take());
    Some(cache.keep(analysis, Some(layout), generation, text, tree))
}

/// Fills an empty `cache` with the chunks of `text` (a no-op if something else filled it first).
pub fn warm(text: &str, tree: &Tree, version: PythonVersion, cache: &mut ChunkCache) {
    if cache.is_empty() {
        let _ = fill(text, tree, version, cache);
    }
}

impl ChunkCache {
    /// Whether no chunk analysis is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps `analysis` (of `text`, parsed into `tree`, version `generation`) for the next
    /// version to start from, and returns it.
    fn keep(
        &mut self,
        analysis: Arc<Analysis>,
        layout: Option<Vec<Placed>>,
        generation: u64,
        text: &str,
        tree: &Tree,
    ) -> Arc<Analysis> {
        self.last = Some(Last {
            analysis: Arc::clone(&analysis),
            layout,
            generation,
            len: text.len(),
            rows: tree.root_node().end_position().row,
            implied: None,
            spliced: None,
        });
        analysis
    }

    /// When the analysis of version `generation` was spliced from an earlier version's: that
    /// version's generation, and what the splice changed (see [`Spliced`]). `None` when it was
    /// made otherwise, or when another version has been analysed since.
    pub fn spliced(&self, generation: u64) -> Option<(u64, &Spliced)> {
        let last = self.last.as_ref().filter(|l| l.generation == generation)?;
        last.spliced
            .as_ref()
            .map(|(from, spliced)| (*from, spliced))
    }

    /// How many analyses were made by re-analysing one function body (for tests and
    /// benchmarks).
    pub fn body_splices(&self) -> u64 {
        self.body_splices
    }

    /// How many re-analyses had to copy the previous analysis first, because something else
    /// still held it (for tests and benchmarks).
    pub fn copies(&self) -> u64 {
        self.copies
    }
}

/// The analysed chunks of `text` (from the cache or computed), with their start byte and row;
/// the cache keeps exactly these afterwards.
fn fill(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    cache: &mut ChunkCache,
) -> Option<Vec<(Arc<ChunkAnalysis>, usize, u32)>> {
    let starts = chunk_starts(tree)?;
    if starts.len() < 2 {
        return None;
    }
    if cache.version != Some(version) {
        cache.entries.clear();
        // The last analysis stays if it has these rules: the first fill (the warm-up after the
        // first analysis) must not drop it, or the first edit cannot re-analyse one body.
        cache.last = cache.last.take().filter(|l| l.analysis.version == version);
        cache.version = Some(version);
    }
    let mut used: HashMap<String, Arc<ChunkAnalysis>> = HashMap::with_capacity(starts.len());
    let mut chunks = Vec::with_capacity(starts.len());
    for (i, &(start, row)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |s| s.0);
        let chunk_text = text.get(start..end)?;
        let analysed = if let Some(found) = used.get(chunk_text) {
            Arc::clone(found)
        } else if let Some((key, found)) = cache.entries.remove_entry(chunk_text) {
            used.insert(key, Arc::clone(&found));
            found
        } else {
            let statements = TextRange::new(start, end);
            let analysis = super::analyze_statements(text, tree, version, statements);
            let analysed = Arc::new(chunk_of(analysis, start, row as u32, chunk_text.len()));
            used.insert(chunk_text.to_owned(), Arc::clone(&analysed));
            analysed
        };
        chunks.push((analysed, start, row as u32));
    }
    cache.entries = used;
    Some(chunks)
}

/// The tree-sitter point (rows count `\n`) of byte `offset` in `text` (for the tests' edits).
#[cfg(test)]
fn point(text: &str, offset: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
    tree_sitter::Point::new(row, column)
}

/// Replaces `start..old_end` of `text` by `insert` and parses it again incrementally (for the
/// tests' edits): the edit, and where tree-sitter found the syntax changed.
#[cfg(test)]
fn reparse_edited(
    text: &mut String,
    tree: &mut Tree,
    start: usize,
    old_end: usize,
    insert: &str,
) -> (Edit, Vec<TextRange>) {
    let (start_position, old_end_position) = (point(text, start), point(text, old_end));
    text.replace_range(start..old_end, insert);
    let new_end = start + insert.len();
    tree.edit(&tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position,
        old_end_position,
        new_end_position: point(text, new_end),
    });
    let new = syntax::parse_with(&mut syntax::python_parser(), text, Some(tree));
    let changed = tree
        .changed_ranges(&new)
        .map(|r| TextRange::new(r.start_byte, r.end_byte))
        .collect();
    *tree = new;
    let edit = Edit {
        start,
        old_end,
        new_end,
    };
    (edit, changed)
}

/// The char boundary at or before `at` (for the tests' edits).
#[cfg(test)]
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where one chunk sits in a stitched analysis.
#[derive(Clone)]
struct Placed {
    chunk: Arc<ChunkAnalysis>,
    start: usize,
    row: u32,
    /// Index of the chunk's first scope after the module, of its first occurrence, first error.
    scope: usize,
    occurrence: usize,
    error: usize,
    /// The stitched module's index of each of the chunk's module symbols.
    module_map: Arc<[u32]>,
}

/// The analysis of the version analysed last, patched in place for the next version when
/// nothing else still holds it.
pub struct Last {
    analysis: Arc<Analysis>,
    /// Where each chunk sits in it, when it was stitched from chunks (and not patched since).
    layout: Option<Vec<Placed>>,
    /// Which version of the document it is (see [`analyze_version`]), and its text's length and
    /// rows.
    generation: u64,
    len: usize,
    rows: usize,
    /// The scopes naming each implied global, kept by the splices (built by the first one).
    implied: Option<implied::ImpliedUsers>,
    /// When it was spliced from the analysis of an earlier version: that version's generation,
    /// and what the splice changed.
    spliced: Option<(u64, Spliced)>,
}

/// Maps a chunk's ids into the stitched analysis: its scope `i` (i ≥ 1) becomes
/// `first_scope + i - 1`, its module symbols go through `module_map`.
struct ChunkIds<'a> {
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

/// The analysis of the chunk at `start` (row `row`, `len` bytes), read off the document's tree
/// ([`analyze_statements`](super::analyze_statements)), in the chunk's own coordinates: what
/// analysing its text parsed on its own gives.
fn chunk_of(mut analysis: Analysis, start: usize, row: u32, len: usize) -> ChunkAnalysis {
    let back = |r: TextRange| TextRange::new(r.start - start, r.end - start);
    analysis.scopes[0].range = TextRange::new(0, len);
    for scope in &mut analysis.scopes[1..] {
        scope.line -= row;
        scope.code_line -= row;
        scope.range = back(scope.range);
        scope.focus_range = back(scope.focus_range);
        scope.header_end -= start;
    }
    for o in &mut analysis.occurrences {
        o.range = back(o.range);
    }
    for e in &mut analysis.errors {
        e.range = back(e.range);
    }
    for e in &mut analysis.parse_errors {
        *e = back(*e);
    }
    if let Some(deep) = &mut analysis.too_deep {
        deep.range = back(deep.range);
    }
    analysis.facts.remap(Some, |at| at - start);
    ChunkAnalysis { analysis }
}

/// The chunk's scopes (without its module), occurrences and errors in document coordinates.
fn place(
    chunk: &ChunkAnalysis,
    start: usize,
    row: u32,
    ids: &ChunkIds,
) -> (Vec<Scope>, Vec<Occurrence>, Vec<ClosureError>) {
    let shift = |r: TextRange| TextRange::new(r.start + start, r.end + start);
    let analysis = &chunk.analysis;
    let scopes = analysis.scopes[1..]
        .iter()
        .map(|scope| Scope {
            parent: scope.parent.map(|p| ids.scope(p)),
            children: scope.children.iter().map(|&c| ids.scope(c)).collect(),
            line: scope.line + row,
            code_line: scope.code_line + row,
            range: shift(scope.range),
            focus_range: shift(scope.focus_range),
            header_end: scope.header_end + start,
            symbols: scope.symbols.iter().map(|s| ids.symbol_of(s)).collect(),
            ..scope.clone()
        })
        .collect();
    let occurrences = analysis
        .occurrences
        .iter()
        .map(|o| Occurrence {
            range: shift(o.range),
            name: o.name.clone(),
            scope: ids.scope(o.scope),
            kind: o.kind,
            symbol: ids.symbol(o.symbol),
        })
        .collect();
    let errors = analysis
        .errors
        .iter()
        .map(|e| ClosureError {
            kind: e.kind.clone(),
            range: shift(e.range),
        })
        .collect();
    (scopes, occurrences, errors)
}

/// The facts of every chunk, in document coordinates (rebuilt on each stitch: they are few).
fn placed_facts(layout: &[Placed]) -> Facts {
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
        (facts.module_callee_readers).extend(chunk.module_callee_readers);
        facts.module_start = facts.module_start.or(chunk.module_start);
    }
    facts
}

/// Re-maps the references to module symbols of a chunk already in place, after the stitched
/// module's symbol order changed.
fn remap_module_references(analysis: &mut Analysis, placed: &Placed) {
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
/// in the order a whole-file analysis lists them) and, per chunk, where its module symbols went.
fn merge_modules(
    text: &str,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    first_scopes: &[usize],
) -> (Scope, Vec<Arc<[u32]>>) {
    let first = &chunks[0].0.analysis.scopes[0];
    let mut module = Scope {
        children: Vec::new(),
        symbols: Vec::new(),
        range: TextRange::new(0, text.len()),
        ..first.clone()
    };
    let mut index: HashMap<Arc<str>, u32> = HashMap::new();
    // The symbol-table entries of every chunk first, then the implied globals, as in `export`.
    for origin in [SymbolOrigin::Symtable, SymbolOrigin::Implied] {
        for (chunk, _, _) in chunks {
            for symbol in &chunk.analysis.scopes[0].symbols {
                if symbol.origin != origin {
                    continue;
                }
                match index.get(&symbol.name) {
                    Some(&i) => merge_module_symbol(&mut module.symbols[i as usize], symbol),
                    None => {
                        let at = module.symbols.len();
                        index.insert(symbol.name.clone(), at as u32);
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
    (module, maps)
}

/// The first scope index each chunk gets when placed after the module, in order.
fn first_scopes(chunks: &[(Arc<ChunkAnalysis>, usize, u32)], mut next: usize) -> Vec<usize> {
    chunks
        .iter()
        .map(|(chunk, _, _)| {
            let first = next;
            next += chunk.analysis.scopes.len() - 1;
            first
        })
        .collect()
}

/// Joins chunk analyses into one, in document coordinates: by patching the previous version's
/// result in place when possible (only the changed chunks are converted), else from scratch.
fn stitch(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    last: Option<Last>,
) -> (Arc<Analysis>, Vec<Placed>) {
    let patched = last.and_then(|prev| patch(text, chunks, prev));
    let (mut stitched, layout) = patched.unwrap_or_else(|| stitch_fresh(text, version, chunks));
    refind_module_callee_facts(text, tree, &mut stitched);
    (Arc::new(stitched), layout)
}

/// Finds again, in the whole module, the facts a chunk judged by looking a called name up among
/// its own bindings: the function a name calls may be defined (or bound twice) in another
/// chunk ([`Facts::module_callee_readers`]).
fn refind_module_callee_facts(text: &str, tree: &Tree, analysis: &mut Analysis) {
    let readers = analysis.facts.module_callee_readers.clone();
    if !readers.is_empty() {
        let root = super::grammar::SyntaxNode::new(tree.root_node());
        super::flow::refind(text, root, analysis, &readers);
    }
}

fn stitch_fresh(
    text: &str,
    version: PythonVersion,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
) -> (Analysis, Vec<Placed>) {
    let mut out = Analysis {
        version,
        ..Analysis::default()
    };
    let firsts = first_scopes(chunks, 1);
    let (module, maps) = merge_modules(text, chunks, &firsts);
    out.scopes.push(module);
    let mut layout = Vec::with_capacity(chunks.len());
    for ((chunk, start, row), map) in chunks.iter().zip(maps) {
        let placed = Placed {
            chunk: Arc::clone(chunk),
            start: *start,
            row: *row,
            scope: out.scopes.len(),
            occurrence: out.occurrences.len(),
            error: out.errors.len(),
            module_map: map,
        };
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let (scopes, occurrences, errors) = place(chunk, *start, *row, &ids);
        out.scopes.extend(scopes);
        out.occurrences.extend(occurrences);
        out.errors.extend(errors);
        out.parse_errors.extend(
            (chunk.analysis.parse_errors.iter())
                .map(|r| TextRange::new(r.start + start, r.end + start)),
        );
        out.too_deep = out.too_deep.or_else(|| too_deep(&placed));
        out.has_star_import |= chunk.analysis.has_star_import;
        layout.push(placed);
    }
    out.facts = placed_facts(&layout);
    (out, layout)
}

/// The chunk's first code too deep to analyse, in document coordinates.
fn too_deep(placed: &Placed) -> Option<TooDeep> {
    let deep = placed.chunk.analysis.too_deep.as_ref()?;
    let range = TextRange::new(
        deep.range.start + placed.start,
        deep.range.end + placed.start,
    );
    Some(TooDeep { range, ..*deep })
}

/// Patches the previous stitched analysis for `chunks`; `None` when it is still shared.
fn patch(
    text: &str,
    chunks: &[(Arc<ChunkAnalysis>, usize, u32)],
    prev: Last,
) -> Option<(Analysis, Vec<Placed>)> {
    let layout = prev.layout?;
    let mut analysis = Arc::try_unwrap(prev.analysis).ok()?;
    let (n_old, n_new) = (layout.len(), chunks.len());
    let same = |p: &Placed, c: &(Arc<ChunkAnalysis>, usize, u32)| Arc::ptr_eq(&p.chunk, &c.0);
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
    let bound = |i: usize| -> (usize, usize, usize) {
        match layout.get(i) {
            Some(p) => (p.scope, p.occurrence, p.error),
            None => (
                analysis.scopes.len(),
                analysis.occurrences.len(),
                analysis.errors.len(),
            ),
        }
    };
    let (scope_lo, occ_lo, err_lo) = bound(prefix);
    let (scope_hi, occ_hi, err_hi) = bound(old_end);
    let firsts = first_scopes(chunks, 1);
    let (module, maps) = merge_modules(text, chunks, &firsts);
    let mut new_layout: Vec<Placed> = layout[..prefix].to_vec();
    let (mut scopes, mut occurrences, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for ((chunk, start, row), map) in chunks[prefix..new_end].iter().zip(&maps[prefix..]) {
        let placed = Placed {
            chunk: Arc::clone(chunk),
            start: *start,
            row: *row,
            scope: scope_lo + scopes.len(),
            occurrence: occ_lo + occurrences.len(),
            error: err_lo + errors.len(),
            module_map: Arc::clone(map),
        };
        let ids = ChunkIds {
            first_scope: placed.scope,
            module_map: &placed.module_map,
        };
        let (s, o, e) = place(chunk, *start, *row, &ids);
        scopes.extend(s);
        occurrences.extend(o);
        errors.extend(e);
        new_layout.push(placed);
    }
    let scope_delta = scope_lo as i64 + scopes.len() as i64 - scope_hi as i64;
    let occ_delta = occ_lo as i64 + occurrences.len() as i64 - occ_hi as i64;
    let err_delta = err_lo as i64 + errors.len() as i64 - err_hi as i64;
    let (byte_delta, row_delta) = match (layout.get(old_end), chunks.get(new_end)) {
        (Some(p), Some(c)) => (c.1 as i64 - p.start as i64, c.2 as i64 - p.row as i64),
        _ => (0, 0),
    };
    let after_scopes = scope_lo + scopes.len();
    let after_occurrences = occ_lo + occurrences.len();
    let after_errors = err_lo + errors.len();
    analysis.scopes.splice(scope_lo..scope_hi, scopes);
    analysis.occurrences.splice(occ_lo..occ_hi, occurrences);
    analysis.errors.splice(err_lo..err_hi, errors);

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
        for e in &mut analysis.errors[after_errors..] {
            e.range = range(e.range);
        }
    }
    for p in &layout[old_end..] {
        new_layout.push(Placed {
            chunk: Arc::clone(&p.chunk),
            start: by(p.start),
            row: (p.row as i64 + row_delta) as u32,
            scope: (p.scope as i64 + scope_delta) as usize,
            occurrence: (p.occurrence as i64 + occ_delta) as usize,
            error: (p.error as i64 + err_delta) as usize,
            module_map: Arc::clone(&p.module_map),
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
    tests::PATCHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Some((analysis, new_layout))
}

/// Pieces of a big text are at least this long (fewer, larger pieces: less stitching).
const MIN_PIECE: usize = 64 << 10;

/// Analyses a big `text` piece by piece, never holding the syntax tree of more than one piece
/// (a whole tree costs about 36 bytes per source byte; the analysis about 11). Pieces end at
/// lines that start at column 0; a piece that does not parse without error (the cut fell inside
/// a string, a bracket, a decorated or compound statement) is grown fourfold, up to three times,
/// then taken as it is. The result is a function of the text alone, so a fresh open and an
/// edited document agree. `None` when the module links its top-level statements (see the module
/// documentation): then it must be analysed whole.
pub fn analyze_in_pieces(text: &str, version: PythonVersion) -> Option<Analysis> {
    let mut chunks = Vec::new();
    let (mut start, mut row) = (0usize, 0u32);
    while start < text.len() {
        let mut want = MIN_PIECE;
        let (end, piece, tree) = loop {
            let end = next_line_start(text, start + want);
            let piece = &text[start..end];
            let tree = syntax::parse(piece);
            if !tree.root_node().has_error() || end == text.len() || want >= MIN_PIECE << 6 {
                break (end, piece, tree);
            }
            want *= 4;
        };
        let linked = {
            let mut cursor = tree.root_node().walk();
            tree.root_node().children(&mut cursor).any(|c| {
                matches!(
                    c.kind(),
                    "future_import_statement" | "global_statement" | "nonlocal_statement"
                )
            })
        };
        if linked {
            return None;
        }
        let analysis = super::analyze(piece, &tree, version);
        drop(tree);
        chunks.push((Arc::new(ChunkAnalysis { analysis }), start, row));
        row += syntax::parser_input(piece).matches('\n').count() as u32;
        start = end;
    }
    // An empty text has no piece: it is analysed whole.
    if chunks.is_empty() {
        return None;
    }
    Some(stitch_fresh(text, version, &chunks).0)
}

/// The first line start at or after `at` (or the end of the text), where a line starts after
/// `\n`, `\r\n` or a lone `\r`.
fn next_line_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at.min(bytes.len());
    if i == 0 {
        return 0;
    }
    // `i` is a line start when the byte before it ends a line (not the `\r` of a `\r\n`).
    while i < bytes.len() {
        let ends_line = match bytes[i - 1] {
            b'\n' => true,
            b'\r' => bytes[i] != b'\n',
            _ => false,
        };
        if ends_line && !bytes[i].is_ascii_whitespace() && bytes[i] != b'#' {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Adds another chunk's view of a module symbol: flags accumulate, and the resolution follows
/// them as CPython's `analyze_name` decides it at module level.
fn merge_module_symbol(existing: &mut Symbol, other: &Symbol) {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::{self, OccurrenceKind};

    /// How many stitches were done by patching (the tests check the patch path runs).
    pub(super) static PATCHES: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);

    fn whole(text: &str, version: PythonVersion) -> Analysis {
        analysis::analyze(text, &syntax::parse(text), version)
    }

    fn chunked(text: &str, version: PythonVersion, cache: &mut ChunkCache) -> Option<Analysis> {
        let stitched = stitched(text, &syntax::parse(text), version, 0, cache)?;
        // Patched in place next time only if nothing else holds it: compare a copy.
        Some(Analysis::clone(&stitched))
    }

    /// What the features rely on, with scopes named by (qualname, range) instead of ids.
    type Scoped = (
        String,
        TextRange,
        u32,
        u32,
        Option<(Vec<String>, Vec<String>)>,
        bool,
        Option<(String, TextRange)>,
        Vec<TextRange>,
        Vec<(Arc<str>, Option<TextRange>, Vec<TextRange>)>,
    );
    type Projection = (
        Vec<Scoped>,
        Vec<(TextRange, Arc<str>, OccurrenceKind, TextRange, TextRange)>,
        Vec<(String, TextRange)>,
        Vec<ModuleSymbol>,
    );
    type ModuleSymbol = (Arc<str>, String, Vec<TextRange>);

    fn project(a: &Analysis) -> Projection {
        let key = |id: ScopeId| a.scope(id).range;
        let scopes = a
            .scopes
            .iter()
            .filter(|s| s.kind.is_user_function() || s.kind.is_comprehension())
            .map(|s| {
                let code = s
                    .code
                    .as_ref()
                    .map(|c| (c.freevars.clone(), c.cellvars.clone()));
                let parent = s.parent.map(|p| (a.scope(p).qualname.clone(), key(p)));
                let children: Vec<TextRange> = s.children.iter().map(|&c| key(c)).collect();
                let owners: Vec<_> = s
                    .symbols
                    .iter()
                    .map(|y| {
                        let by: Vec<TextRange> = y.captured_by.iter().map(|&c| key(c)).collect();
                        (y.name.clone(), y.captures_from.map(key), by)
                    })
                    .collect();
                (
                    s.qualname.clone(),
                    TextRange::new(s.range.start, s.header_end),
                    s.line,
                    s.code_line,
                    code,
                    s.inlined,
                    parent,
                    children,
                    owners,
                )
            })
            .collect();
        let occurrences = a
            .occurrences
            .iter()
            .map(|o| {
                (
                    o.range,
                    o.name.clone(),
                    o.kind,
                    key(o.scope),
                    key(o.resolves_to()),
                )
            })
            .collect();
        let mut errors: Vec<_> = a.errors.iter().map(|e| (e.message(), e.range)).collect();
        errors.sort();
        // The module's symbols, with each occurrence's variable checked to be the one named.
        // Their flags and resolution are not compared: a 3.12+ module-level comprehension's
        // names are copied into the module only when no other statement mentions them, which a
        // chunk cannot see. Nothing reads them but the `check` JSON, which analyses whole files.
        for o in &a.occurrences {
            assert_eq!(a.symbol(o.symbol).name, o.name, "{o:?}");
        }
        let mut module: Vec<ModuleSymbol> = a.scopes[0]
            .symbols
            .iter()
            .map(|s| {
                let by = s.captured_by.iter().map(|&c| key(c)).collect();
                (s.name.clone(), format!("{:?}", s.origin), by)
            })
            .collect();
        module.sort();
        (scopes, occurrences, errors, module)
    }

    const SAMPLE: &str = "import os\n\ndef make_counter():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n        return count\n    return inc\n\nclass C:\n    def m(self):\n        __x = 1\n        return lambda: (__x, super())\n\nx = [lambda: i for i in range(3)]; y = 2\n# comment\n@dec\ndef f(a):\n    def g():\n        nonlocal b\n    return [a for _ in a]\n";

    /// Chunked equals whole (its flow facts too), or the text has a syntax error and is
    /// analysed whole.
    fn check(text: &str, version: PythonVersion, cache: &mut ChunkCache) {
        match chunked(text, version, cache) {
            Some(a) => {
                let whole = whole(text, version);
                assert_eq!(project(&a), project(&whole), "{version} {text}");
                assert_eq!(a.facts, whole.facts, "{version} {text}");
                assert_eq!(a.parse_errors, whole.parse_errors, "{version} {text}");
            }
            None => assert!(syntax::parse(text).root_node().has_error(), "{text}"),
        }
    }

    /// Each chunk read off the document's tree equals the chunk parsed and analysed on its own,
    /// field for field (flow facts included), in every version; returns how many were compared.
    fn chunks_read_off_the_tree_equal_chunks_parsed_alone(text: &str) -> usize {
        let tree = syntax::parse(text);
        let Some(starts) = chunk_starts(&tree) else {
            return 0;
        };
        for version in PythonVersion::ALL {
            for (i, &(start, row)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(text.len(), |s| s.0);
                let chunk = &text[start..end];
                let read = super::super::analyze_statements(
                    text,
                    &tree,
                    version,
                    TextRange::new(start, end),
                );
                let read = chunk_of(read, start, row as u32, chunk.len()).analysis;
                let alone = whole(chunk, version);
                assert!(read == alone, "{version} {chunk}\n{read:#?}\n{alone:#?}");
            }
        }
        starts.len()
    }

    #[test]
    fn chunks_are_read_off_the_document_s_tree() {
        assert!(chunks_read_off_the_tree_equal_chunks_parsed_alone(SAMPLE) > 5);
        // Line ends of every kind, and characters of every width.
        let mixed = "def f(a):\r\n    s = \"é😀\"\r    return lambda: a\n\nx: int = 1\rclass C:\r\n    y: 'C'\n";
        assert!(chunks_read_off_the_tree_equal_chunks_parsed_alone(mixed) == 3);
        let Some(stdlib) = stdlib() else {
            return;
        };
        for name in ["test/test_typing.py", "typing.py", "dataclasses.py"] {
            if let Ok(text) = std::fs::read_to_string(stdlib.join(name)) {
                assert!(chunks_read_off_the_tree_equal_chunks_parsed_alone(&text) > 20);
            }
        }
    }

    #[test]
    fn chunked_equals_whole_on_samples() {
        for version in PythonVersion::ALL {
            let mut cache = ChunkCache::default();
            let a = chunked(SAMPLE, version, &mut cache).expect("splits");
            assert_eq!(project(&a), project(&whole(SAMPLE, version)), "{version}");
            // An edit in one statement reuses the others and still matches.
            let edited = SAMPLE.replace("count += 1", "count += step");
            let a = chunked(&edited, version, &mut cache).unwrap();
            assert_eq!(project(&a), project(&whole(&edited, version)), "{version}");
            // Typing character by character in one statement (incremental chunk parses).
            let mut text = edited.clone();
            let at = text.find("return count").unwrap();
            for (i, ch) in " é + 1".chars().enumerate() {
                let offset = at
                    + "return count".len()
                    + " é + 1".chars().take(i).map(char::len_utf8).sum::<usize>();
                text.insert(offset, ch);
                check(&text, version, &mut cache);
            }
            // Statements appear, merge, split and disappear (the stitched result is patched).
            let steps: [(&str, &str); 6] = [
                (
                    "import os\n",
                    "import os\ndef new(q):\n    return lambda: q\n",
                ),
                ("class C:", "class C:\n    pass\nclass D:"),
                ("\nx = [", "\n  x = ["),
                ("  x = [", "x = ["),
                ("def new(q):\n    return lambda: q\n", ""),
                ("@dec\n", ""),
            ];
            for (from, to) in steps {
                assert!(text.contains(from), "{from:?}");
                text = text.replacen(from, to, 1);
                check(&text, version, &mut cache);
            }
        }
        assert!(PATCHES.load(std::sync::atomic::Ordering::Relaxed) > 0);
    }

    /// A stitched analysis patched in place after its per-variable index was built (the
    /// features ask `occurrences_of` between edits) answers for the new occurrences.
    #[test]
    fn patching_rebuilds_the_variable_index() {
        let mut cache = ChunkCache::default();
        let version = PythonVersion::Py314;
        let mut text = SAMPLE.to_owned();
        // Each edit adds occurrences in one statement, so those of the statements after it move.
        for (from, to) in [
            ("", ""),
            ("lambda: i", "lambda i=i: i"),
            ("count += 1", "count += i"),
        ] {
            text = text.replacen(from, to, 1);
            let stitched = stitched(&text, &syntax::parse(&text), version, 0, &mut cache).unwrap();
            for o in &stitched.occurrences {
                let of: Vec<_> = stitched.occurrences_of(o.symbol).collect();
                assert!(of.contains(&o), "{from:?}: {o:?} not in {of:?}");
            }
            // Only the cache holds it now: the next edit patches it in place.
        }
        assert!(PATCHES.load(std::sync::atomic::Ordering::Relaxed) > 0);
    }

    #[test]
    fn pieces_equal_whole() {
        // Several pieces, cuts inside strings, brackets and decorated definitions (grown), a
        // lone CR, and an erroneous text (taken as it is: still a function of the text).
        let mut text = String::new();
        for i in 0..700 {
            text.push_str(SAMPLE);
            text.push_str(&format!(
                "s{i} = '''\nx = 1\n'''\n@d\n\ndef h{i}(q):\r    return lambda: q\n"
            ));
        }
        for version in [PythonVersion::Py311, PythonVersion::Py314] {
            let pieces = analyze_in_pieces(&text, version).expect("no linked statements");
            assert_eq!(
                project(&pieces),
                project(&whole(&text, version)),
                "{version}"
            );
        }
        let broken = text.replace("def h3(q)", "def h3(q");
        let a = analyze_in_pieces(&broken, PythonVersion::Py314).unwrap();
        assert_eq!(a, analyze_in_pieces(&broken, PythonVersion::Py314).unwrap());
        assert!(a.has_syntax_errors());
        let linked = format!("from __future__ import annotations\n{text}");
        assert!(analyze_in_pieces(&linked, PythonVersion::Py314).is_none());
        assert_eq!(next_line_start("a\r\nb", 2), 3);
        assert_eq!(next_line_start("a\rb", 1), 2);
        assert_eq!(next_line_start("a\n  b\n# c\nd", 1), 10);
    }

    /// Facts judged by what a function of another chunk does with a closure (it keeps it: the
    /// loop closure outlives its iteration) are judged on the whole module.
    #[test]
    fn facts_judged_by_a_function_of_another_chunk_are_judged_whole() {
        let text = "def keep(f):\n    return f\n\ndef make():\n    for i in range(3):\n        keep(lambda: i)\n";
        for version in PythonVersion::ALL {
            let whole = whole(text, version);
            assert!(!whole.facts.callee_reads.is_empty(), "{version}");
            check(text, version, &mut ChunkCache::default());
        }
    }

    #[test]
    fn linked_top_levels_are_analysed_whole() {
        let mut cache = ChunkCache::default();
        let text = "from __future__ import annotations\ndef f():\n    x = 1\n";
        assert!(chunked(text, PythonVersion::Py314, &mut cache).is_none());
        let text = "x = 1\nglobal x\n";
        assert!(chunked(text, PythonVersion::Py314, &mut cache).is_none());
    }

    /// Single-character edits at pseudo-random places: each version, patched, equals whole.
    fn random_edits_match(mut text: String, version: PythonVersion, cache: &mut ChunkCache) {
        let mut seed: u64 = 42;
        for step in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = floor_boundary(&text, (seed >> 33) as usize % text.len());
            if step % 3 == 0 {
                let len = text[at..].chars().next().map_or(0, char::len_utf8);
                text.replace_range(at..at + len, "");
            } else {
                text.insert_str(
                    at,
                    ["x", "\n", " ", "(", "\ndef z():\n  return q\n"][step % 5],
                );
            }
            if let Some(a) = chunked(&text, version, cache) {
                let whole = whole(&text, version);
                assert_eq!(project(&a), project(&whole), "step {step}");
                assert_eq!(a.facts, whole.facts, "step {step}");
            }
        }
    }

    /// The standard library of the machine's `python3`, if there is one.
    pub(crate) fn stdlib() -> Option<std::path::PathBuf> {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sysconfig;print(sysconfig.get_paths()['stdlib'])",
            ])
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().into())
    }

    /// The largest stdlib files, when a Python is around: chunked equals whole.
    #[test]
    fn chunked_equals_whole_on_stdlib_files() {
        let Some(stdlib) = stdlib() else {
            return;
        };
        let mut names: Vec<String> = [
            "test/test_typing.py",
            "typing.py",
            "inspect.py",
            "dataclasses.py",
            "functools.py",
        ]
        .map(String::from)
        .to_vec();
        // CLOSURE_LENS_CHUNK_ALL=DIR (relative to the stdlib, e.g. `.` or `test`): every file there.
        if let Some(dir) = std::env::var_os("CLOSURE_LENS_CHUNK_ALL") {
            let dir = std::path::PathBuf::from(dir);
            names = std::fs::read_dir(stdlib.join(&dir))
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| dir.join(e.file_name()).to_string_lossy().into_owned())
                        .filter(|n| n.ends_with(".py"))
                        .collect()
                })
                .unwrap_or_default();
        }
        let mut compared = 0;
        for name in &names {
            let Ok(text) = std::fs::read_to_string(stdlib.join(name)) else {
                continue;
            };
            for version in [PythonVersion::Py311, PythonVersion::Py314] {
                let mut cache = ChunkCache::default();
                if let Some(a) = chunked(&text, version, &mut cache) {
                    assert_eq!(
                        project(&a),
                        project(&whole(&text, version)),
                        "{name} {version}"
                    );
                    compared += 1;
                    if name == "dataclasses.py" {
                        random_edits_match(text.clone(), version, &mut cache);
                    }
                }
            }
        }
        assert!(compared > 0 || names.is_empty());
    }
}
