//! Re-analysis per top-level statement: what a closure captures never crosses a top-level
//! statement, so after an edit only the statements whose text changed are analysed again; the
//! others come from a per-document cache and are stitched into one [`Analysis`].
//!
//! Each chunk (one or more whole lines starting with a top-level statement) is analysed as a
//! module of its own, read off the document's tree (one parse per edit): the analysis a chunk's
//! text parsed on its own would get ([`analyze_statements`](super::analyze_statements), tested
//! field for field against [`analyze`](super::analyze)), kept in the chunk's coordinates and
//! keyed by its text; offsets, lines and scope ids are shifted into place when stitched. What
//! crosses chunks is put right when stitching: the module's symbols are merged, the errors put
//! in the order a whole analysis lists them, and the facts a chunk judged by a function it calls
//! but another chunk defines are found again. A `from __future__ import annotations` among the
//! module's leading statements changes how every statement is read: each chunk is read under
//! the module's rule, and the cache holds chunks of one rule. Under 3.14's rules the
//! annotations of module variables share one scope: the statements from the first that
//! annotates one to the last are one chunk. Modules whose top level links statements together
//! (`global`/`nonlocal` at module level) are analysed whole instead.
//!
//! A tree with ERROR or MISSING nodes is chunked too, but the shape tree-sitter gives a chunk's
//! text then depends on the text around it (an unterminated string earlier can end a `def`
//! after its header): its chunks are never looked up by text, only taken from the previous
//! version's layout where the edit and the changed ranges prove them unchanged. The layout
//! follows body splices (the chunk a splice changed is analysed again at the next stitch).
//!
//! Stitched == whole, always.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::Tree;

use crate::analysis::grammar::{CursorPool, SyntaxNode};
use crate::analysis::{Analysis, OccurrenceKind, PythonVersion, ScopeId, TextRange, collect};
use crate::syntax;

mod body;
mod cell_owners;
mod implied;
#[doc(hidden)]
pub mod random_edits;
mod stitch;

pub use body::{Edit, Spliced};
use stitch::{Layout, stitch, stitch_fresh};

/// One chunk's analysis, in the chunk's own coordinates.
pub struct ChunkAnalysis {
    analysis: Analysis,
    /// Whether its statements link it to the others ([`links`]), and whether they annotate
    /// module variables ([`annotates_module`]: two such chunks are joined into one).
    links: bool,
    annotates: bool,
    /// Where tree-sitter recovered from syntax errors in its statements (the ranges of their
    /// ERROR and MISSING nodes, from the chunk's start), when analysed in a tree with errors.
    recovery: Vec<TextRange>,
}

impl ChunkAnalysis {
    fn new(analysis: Analysis) -> Self {
        ChunkAnalysis {
            links: links(&analysis),
            annotates: annotates_module(&analysis),
            analysis,
            recovery: Vec::new(),
        }
    }

    /// The length of the chunk's text.
    fn len(&self) -> usize {
        self.analysis.scopes[0].range.end
    }
}

/// Chunk analyses of one document, keyed by chunk text, for one Python version and one rule
/// for annotations.
#[derive(Default)]
pub struct ChunkCache {
    rules: Option<Rules>,
    entries: HashMap<String, Arc<ChunkAnalysis>>,
    /// The analysis computed last, which the next version's starts from.
    last: Option<Last>,
    /// How many analyses were made by re-analysing one function body.
    body_splices: u64,
    /// How many times the previous analysis was copied before re-analysing (it was shared).
    copies: u64,
    /// How many chunks were analysed (not reused).
    chunks_analysed: u64,
    /// Whether the chunks of the last text tried were linked (see [`links`]): a text with syntax
    /// errors is then analysed whole until one without is chunked.
    linked: bool,
    /// Whether a warm-up is under way ([`Self::start_warm_up`]).
    warming: bool,
}

/// What a chunk's analysis depends on besides its text: the Python version, and whether the
/// module's leading statements import `annotations` from `__future__`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Rules {
    version: PythonVersion,
    future_annotations: bool,
}

impl Rules {
    /// The rules of `text`, parsed into `tree`, in `version`.
    fn of(text: &str, tree: &Tree, version: PythonVersion) -> Rules {
        let pool = CursorPool::default();
        let root = SyntaxNode::new(tree.root_node());
        Rules {
            version,
            future_annotations: collect::has_future_annotations(root, text, &pool),
        }
    }
}

/// The chunks of the text parsed into `tree`: (start byte, start row), tiling the text from 0
/// to its end (`None` when the tree is not a module). Public for the test of the reparse's
/// premise (`tests/incremental_reparse.rs`).
pub fn chunk_starts(tree: &Tree) -> Option<Vec<(usize, usize)>> {
    let root = tree.root_node();
    if root.kind() != "module" {
        return None;
    }
    let mut starts = vec![(0, 0)];
    let mut covered = 0;
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        let at = child.start_byte();
        if child.start_position().column == 0 && at >= covered && at > starts.last()?.0 {
            starts.push((at, child.start_position().row));
        }
        covered = covered.max(child.end_byte());
    }
    Some(starts)
}

/// Whether a `from __future__` import is among the module's statements (it changes how the
/// statements after it are read: a piece parsed on its own would not be read under it).
fn has_future_import(root: tree_sitter::Node<'_>) -> bool {
    let mut cursor = root.walk();
    root.children(&mut cursor)
        .any(|c| c.kind() == "future_import_statement")
}

/// Whether a chunk's statements annotate module variables under 3.14's rules: the module has
/// one annotation scope (`__annotate__`), made at its first annotation and holding them all
/// ([`Scope::annotates_body`](crate::analysis::Scope::annotates_body)), so two chunks that
/// both annotate are linked through it: [`fill`] joins them and the chunks between into one,
/// pieces of a big text ([`analyze_in_pieces`]) are not joined.
fn annotates_module(analysis: &Analysis) -> bool {
    let children = &analysis.scopes[0].children;
    children.iter().any(|&c| analysis.scope(c).annotates_body())
}

/// What links the pieces of one big text, found as they come: one that [`links`], or a second
/// one that [`annotates_module`].
#[derive(Default)]
struct Linked {
    annotating: usize,
}

impl Linked {
    /// Whether `chunk`, after the chunks seen before it, links the module's statements.
    fn by(&mut self, chunk: &ChunkAnalysis) -> bool {
        self.annotating += chunk.annotates as usize;
        chunk.links || self.annotating > 1
    }
}

/// Whether a chunk's analysis links its statements to the others': a `global` or `nonlocal`
/// statement at module level (its place among the module's bindings matters), wherever it
/// sits (in an `if`, a `try`, an ERROR node).
fn links(analysis: &Analysis) -> bool {
    analysis.occurrences.iter().any(|o| {
        o.scope == ScopeId::MODULE
            && matches!(
                o.kind,
                OccurrenceKind::GlobalDecl | OccurrenceKind::NonlocalDecl
            )
    })
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
    // The change since the last version analysed, widened over where the syntax changed.
    let mut change = None;
    if let Some(last) = cache.last.take() {
        let edit = (last.analysis.version == version && last.generation < generation)
            .then(|| edit_since(last.generation))
            .flatten()
            .filter(|(e, _)| e.new_end - e.start + last.len == text.len() + e.old_end - e.start);
        match edit {
            Some((edit, changed)) => {
                let widened = edit.widened(&changed);
                change = Some(widened);
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
                let occurrences = prev.occurrences.len();
                let added = rows as i64 - last.rows as i64;
                let change = body::TreeChange {
                    changed: &changed,
                    rows: added,
                    broken: last.broken || tree.root_node().has_error(),
                };
                let spliced = if recovered_as_before(&last.recovery, tree, widened) {
                    body::reanalyze(prev, &mut implied, text, tree, edit, change)
                } else {
                    Err(Box::new(prev))
                };
                match spliced {
                    Ok((analysis, spliced)) => {
                        cache.body_splices += 1;
                        let layout =
                            layout.map(|l| l.after_splice(&spliced, &analysis, occurrences, added));
                        let analysis = Arc::new(analysis);
                        let analysis = cache.keep(analysis, layout, generation, text, tree);
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
    // The warm-up cannot fill the cache for a text with syntax errors: after an edit, its
    // chunks are analysed here (and carried over from one version to the next).
    let broken_edit = change.is_some() && tree.root_node().has_error();
    if !cache.is_empty() || broken_edit {
        if let Some(stitched) = stitched(text, tree, version, generation, cache, change) {
            return stitched;
        }
    }
    let analysis = Arc::new(whole());
    cache.keep(analysis, None, generation, text, tree)
}

/// Analyses `text` chunk by chunk, reusing `cache` and, given the `change` since the version
/// analysed last (widened over where the syntax changed), that version's chunks; `None` when
/// the module must be analysed whole (with [`analyze`](crate::analysis::analyze)).
fn stitched(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    generation: u64,
    cache: &mut ChunkCache,
    change: Option<Edit>,
) -> Option<Arc<Analysis>> {
    let last = cache.last.take().filter(|l| l.analysis.version == version);
    let prior = change
        .zip(last.as_ref().and_then(|l| l.layout.as_ref()))
        .map(|(change, layout)| Prior { layout, change });
    let Some(chunks) = fill(text, tree, version, cache, prior) else {
        cache.last = last;
        return None;
    };
    let (analysis, layout) = stitch(text, tree, version, &chunks, last);
    Some(cache.keep(analysis, Some(layout), generation, text, tree))
}

/// Fills an empty `cache` with the chunks of `text`, now (a no-op if something else filled it
/// first or is filling it, or if the tree has syntax errors: its chunks cannot be keyed by
/// their text).
pub fn warm(text: &str, tree: &Tree, version: PythonVersion, cache: &mut ChunkCache) {
    if cache.start_warm_up() {
        cache.take_warmed(warm_up(text, tree, version));
    }
}

/// The chunks of one text, analysed apart from any cache ([`warm_up`]).
pub struct Warmed(ChunkCache);

/// Analyses the chunks of `text` for a cache to take ([`ChunkCache::take_warmed`]), without
/// holding it: the edits that come meanwhile re-analyse their body from the cache's last
/// analysis at once. `None` when the tree has syntax errors (its chunks cannot be keyed by
/// their text) or the text is not chunked.
pub fn warm_up(text: &str, tree: &Tree, version: PythonVersion) -> Option<Warmed> {
    if tree.root_node().has_error() {
        return None;
    }
    let mut cache = ChunkCache::default();
    fill(text, tree, version, &mut cache, None)?;
    Some(Warmed(cache))
}

impl ChunkCache {
    /// Whether nothing is cached to re-analyse the next version by its top-level statements:
    /// no chunk keyed by its text, no layout of the last analysis.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.last.as_ref().is_none_or(|l| l.layout.is_none())
    }

    /// Whether the cache is empty and no warm-up is under way.
    pub fn wants_warm_up(&self) -> bool {
        self.is_empty() && !self.warming
    }

    /// Notes a warm-up under way when the cache wants one ([`Self::wants_warm_up`]), and says
    /// whether it did: the caller then runs [`warm_up`] and hands what it made to
    /// [`Self::take_warmed`], even if it made nothing.
    pub fn start_warm_up(&mut self) -> bool {
        let start = self.wants_warm_up();
        self.warming |= start;
        start
    }

    /// Ends the warm-up under way, taking the chunks it analysed if the cache is still empty
    /// (keyed by their text, they serve whichever version comes next). A cache emptied since
    /// the warm-up started (its document went cold) takes nothing.
    pub fn take_warmed(&mut self, warmed: Option<Warmed>) {
        let started = std::mem::take(&mut self.warming);
        let Some(Warmed(warmed)) = warmed.filter(|_| started && self.is_empty()) else {
            return;
        };
        self.rules = warmed.rules;
        self.entries = warmed.entries;
        self.chunks_analysed += warmed.chunks_analysed;
    }

    /// How many chunks were analysed (not reused) so far (for tests and benchmarks).
    pub fn chunks_analysed(&self) -> u64 {
        self.chunks_analysed
    }

    /// Keeps `analysis` (of `text`, parsed into `tree`, version `generation`) for the next
    /// version to start from, and returns it.
    fn keep(
        &mut self,
        analysis: Arc<Analysis>,
        layout: Option<Layout>,
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
            broken: tree.root_node().has_error(),
            recovery: recovery(tree),
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

/// The chunks of the version analysed last, and the change since (widened over where the
/// syntax changed).
struct Prior<'a> {
    layout: &'a Layout,
    change: Edit,
}

impl Prior<'_> {
    /// The analysis of the new text's chunk `start..end`, when it lies outside the change and
    /// the last version had a chunk of its length at its place: the text and the tree there are
    /// as they were, so the chunk's analysis is too.
    fn chunk(&self, start: usize, end: usize) -> Option<&Arc<ChunkAnalysis>> {
        if end > self.change.start && start < self.change.new_end {
            return None;
        }
        self.layout.chunk(self.old_offset(start)?, end - start)
    }

    /// Where the last version's chunk that started at the place of `start` ends in the new text,
    /// when that chunk annotated module variables (it may have joined several statements) and
    /// its end lies outside the change.
    fn annotating_end(&self, start: usize) -> Option<usize> {
        let change = self.change;
        let old_start = self.old_offset(start)?;
        let old_end = old_start + self.layout.annotating_chunk(old_start)?;
        (old_end <= change.start || old_end >= change.old_end).then(|| change.shift(old_end))
    }

    /// Where the new text's offset `at`, the start of a chunk outside the change, was in the
    /// last version's text. A chunk starting where a deletion was starts after it.
    fn old_offset(&self, at: usize) -> Option<usize> {
        let change = self.change;
        if at >= change.new_end {
            Some((at as i64 - change.delta()) as usize)
        } else if at <= change.start {
            Some(at)
        } else {
            None
        }
    }
}

/// The analysed chunks of `text` (from the cache, from the `prior` version's or computed),
/// with their start byte and row. When the tree has no syntax error, the cache keeps exactly
/// these afterwards, keyed by their text; else it is left as it was.
fn fill(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    cache: &mut ChunkCache,
    mut prior: Option<Prior>,
) -> Option<Vec<(Arc<ChunkAnalysis>, usize, u32)>> {
    let starts = chunk_starts(tree)?;
    if starts.len() < 2 {
        return None;
    }
    let rules = Rules::of(text, tree, version);
    if cache.rules != Some(rules) {
        cache.entries.clear();
        // The last analysis stays if it has this version: the first fill (the warm-up after the
        // first analysis) must not drop it, or the first edit cannot re-analyse one body. Its
        // chunks were read under other rules.
        cache.last = cache.last.take().filter(|l| l.analysis.version == version);
        prior = None;
        cache.rules = Some(rules);
        cache.linked = false;
    }
    let by_text = !tree.root_node().has_error();
    let chunking = Chunking {
        text,
        tree,
        version,
        prior,
        by_text,
        recovery: if by_text { Vec::new() } else { recovery(tree) },
    };
    if !chunking.by_text && cache.linked {
        // Finding the link again would analyse every chunk up to it.
        return None;
    }
    let mut used: HashMap<String, Arc<ChunkAnalysis>> = HashMap::new();
    let mut chunks: Vec<(Arc<ChunkAnalysis>, usize, u32)> = Vec::with_capacity(starts.len());
    // The chunk that annotates module variables (3.14), if one does.
    let mut annotating = None;
    // The end of the joined chunk taken whole, whose statements are skipped.
    let mut joined = 0;
    for (i, &(start, row)) in starts.iter().enumerate() {
        if start < joined {
            continue;
        }
        let mut end = starts.get(i + 1).map_or(text.len(), |s| s.0);
        // The last version's chunk here joined statements (its annotations): it is taken whole
        // again, not found statement by statement (with a syntax error, the layout holds only
        // the joined chunk, and each of its statements would be analysed again).
        let at_a_start =
            |at: usize| at == text.len() || starts.binary_search_by_key(&at, |s| s.0).is_ok();
        if let Some(last) = (chunking.prior.as_ref()).and_then(|p| p.annotating_end(start)) {
            if last > end && at_a_start(last) {
                (end, joined) = (last, last);
            }
        }
        let (mut start, mut row) = (start, row as u32);
        let mut analysed = chunking.chunk(cache, &mut used, start..end, row)?;
        if analysed.annotates {
            if let Some(first) = annotating {
                // The module's annotations share one scope: the chunks from the one that
                // annotated first to this one are analysed as one.
                (_, start, row) = chunks[first];
                chunks.truncate(first);
                analysed = chunking.chunk(cache, &mut used, start..end, row)?;
            }
            annotating = Some(chunks.len());
        }
        if analysed.links {
            // Kept for the next try, which finds the link again at the price of a lookup.
            cache.entries.extend(used);
            cache.linked = true;
            return None;
        }
        chunks.push((analysed, start, row));
    }
    if chunking.by_text {
        cache.entries = used;
    }
    cache.linked = false;
    Some(chunks)
}

/// Where [`fill`] finds the chunks of one text: its tree, and the prior version's layout.
struct Chunking<'a> {
    text: &'a str,
    tree: &'a Tree,
    version: PythonVersion,
    prior: Option<Prior<'a>>,
    /// Whether chunks are looked up by their text: only when no syntax error makes a chunk's
    /// shape depend on its surroundings.
    by_text: bool,
    /// Otherwise, where tree-sitter recovered from them ([`recovery`]).
    recovery: Vec<TextRange>,
}

impl Chunking<'_> {
    /// The analysis of the chunk `range` (starting on row `row`): found in `used` (the chunks
    /// found so far), in the cache, or in the prior version's layout, else analysed (and noted
    /// in `used`).
    fn chunk(
        &self,
        cache: &mut ChunkCache,
        used: &mut HashMap<String, Arc<ChunkAnalysis>>,
        range: std::ops::Range<usize>,
        row: u32,
    ) -> Option<Arc<ChunkAnalysis>> {
        let chunk_text = self.text.get(range.clone())?;
        if self.by_text {
            if let Some(found) = used.get(chunk_text) {
                return Some(Arc::clone(found));
            }
            if let Some((key, found)) = cache.entries.remove_entry(chunk_text) {
                used.insert(key, Arc::clone(&found));
                return Some(found);
            }
        }
        // A chunk of the last version outside the change: its text and tree are as they were,
        // but for tree-sitter's recovery from syntax errors, whose changes the changed ranges
        // can miss (`vendor/tree-sitter/PATCHES.md`): that must be as it was too.
        let recovery = self.recovery_in(range.clone());
        let analysed = match self
            .prior
            .as_ref()
            .and_then(|p| p.chunk(range.start, range.end))
            .filter(|known| known.recovery == recovery)
        {
            Some(known) => Arc::clone(known),
            None => {
                let statements = TextRange::new(range.start, range.end);
                let analysis =
                    super::analyze_statements(self.text, self.tree, self.version, statements);
                cache.chunks_analysed += 1;
                let mut chunk = chunk_of(analysis, range.start, row, chunk_text.len());
                chunk.recovery = recovery;
                Arc::new(chunk)
            }
        };
        if self.by_text {
            used.insert(chunk_text.to_owned(), Arc::clone(&analysed));
        }
        Some(analysed)
    }

    /// Where tree-sitter recovered from syntax errors in the chunk `range`, from its start.
    fn recovery_in(&self, range: std::ops::Range<usize>) -> Vec<TextRange> {
        let first = self.recovery.partition_point(|r| r.start < range.start);
        let inside = self.recovery[first..]
            .iter()
            .take_while(|r| r.start < range.end);
        let back = |r: &TextRange| TextRange::new(r.start - range.start, r.end - range.start);
        inside.map(back).collect()
    }
}

/// Whether tree-sitter recovered from syntax errors in `tree` as it did in the last version's
/// (`before`, see [`recovery`]) outside `change` (widened over the changed ranges), which the
/// changed ranges can miss (`vendor/tree-sitter/PATCHES.md`): a body splice keeps the rest.
fn recovered_as_before(before: &[TextRange], tree: &Tree, change: Edit) -> bool {
    let after = recovery(tree);
    let apart = |r: &&TextRange, end: usize| r.end < change.start || r.start > end;
    let moved = |r: &TextRange| TextRange::new(change.shift(r.start), change.shift(r.end));
    let before = before
        .iter()
        .filter(|r| apart(r, change.old_end))
        .map(moved);
    before.eq(after.iter().filter(|r| apart(r, change.new_end)).copied())
}

/// The ranges of the ERROR and MISSING nodes of `tree`, nested ones too, sorted: where
/// tree-sitter recovered from syntax errors.
fn recovery(tree: &Tree) -> Vec<TextRange> {
    let mut found = Vec::new();
    if !tree.root_node().has_error() {
        return found;
    }
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            found.push(TextRange::new(node.start_byte(), node.end_byte()));
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error()));
    }
    found.sort_by_key(|r| (r.start, r.end));
    found
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

/// The number in the environment variable `name` (a test's size, raised for longer runs), or
/// `default` when it is unset or not a number.
#[cfg(test)]
fn from_env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The char boundary at or before `at` (for the tests' edits).
#[cfg(test)]
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The analysis of the version analysed last, patched in place for the next version when
/// nothing else still holds it.
pub struct Last {
    analysis: Arc<Analysis>,
    /// Where each chunk sits in it, when it was stitched from chunks (and only body splices
    /// patched it since).
    layout: Option<Layout>,
    /// Which version of the document it is (see [`analyze_version`]), and its text's length and
    /// rows.
    generation: u64,
    len: usize,
    rows: usize,
    /// Whether its tree has a syntax error, and where tree-sitter recovered from them
    /// ([`recovery`]).
    broken: bool,
    recovery: Vec<TextRange>,
    /// The scopes naming each implied global, kept by the splices (built by the first one).
    implied: Option<implied::ImpliedUsers>,
    /// When it was spliced from the analysis of an earlier version: that version's generation,
    /// and what the splice changed.
    spliced: Option<(u64, Spliced)>,
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
    ChunkAnalysis::new(analysis)
}

/// Pieces of a big text are at least this long (fewer, larger pieces: less stitching).
const MIN_PIECE: usize = 64 << 10;

/// Analyses a big `text` piece by piece, never holding the syntax tree of more than one piece
/// (a whole tree costs about 36 bytes per source byte; the analysis about 11). Pieces end at
/// lines that start at column 0; a piece that does not parse without error (the cut fell inside
/// a string, a bracket, a decorated or compound statement) is grown fourfold, up to three times,
/// then taken as it is. The result is a function of the text alone, so a fresh open and an
/// edited document agree (but for what a whole analysis would add across pieces: a closure
/// passed to a function of another piece is judged as if passed to an unknown one). `None`
/// when the module links its top-level statements (see the module documentation) or imports
/// from `__future__`: then it must be analysed whole.
pub fn analyze_in_pieces(text: &str, version: PythonVersion) -> Option<Analysis> {
    let mut chunks = Vec::new();
    let (mut start, mut row) = (0usize, 0u32);
    let mut linked = Linked::default();
    let mut first_line = None;
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
        if has_future_import(tree.root_node()) {
            return None;
        }
        if first_line.is_none() {
            let pool = CursorPool::default();
            let first = collect::first_statement(SyntaxNode::new(tree.root_node()), &pool);
            first_line = first.map(|s| s.line() + row);
        }
        let chunk = ChunkAnalysis::new(super::analyze(piece, &tree, version));
        drop(tree);
        if linked.by(&chunk) {
            return None;
        }
        chunks.push((Arc::new(chunk), start, row));
        row += syntax::parser_input(piece).matches('\n').count() as u32;
        start = end;
    }
    // An empty text has no piece: it is analysed whole.
    if chunks.is_empty() {
        return None;
    }
    let mut analysis = stitch_fresh(text, version, &chunks).analysis;
    stitch::start_module_annotate(&mut analysis, first_line.unwrap_or(1));
    Some(analysis)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::{self, CodeCells, OccurrenceKind};

    /// How many stitches were done by patching (the tests check the patch path runs).
    pub(super) static PATCHES: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);

    fn whole(text: &str, version: PythonVersion) -> Analysis {
        analysis::analyze(text, &syntax::parse(text), version)
    }

    fn chunked(text: &str, version: PythonVersion, cache: &mut ChunkCache) -> Option<Analysis> {
        let stitched = stitched(text, &syntax::parse(text), version, 0, cache, None)?;
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
        Option<CodeCells>,
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
                    a.name_of(o).clone(),
                    o.kind,
                    key(o.scope),
                    key(o.resolves_to()),
                )
            })
            .collect();
        // In order: the first is the one CPython raises.
        let errors: Vec<_> = a.errors.iter().map(|e| (e.message(), e.range)).collect();
        // The module's symbols. Their flags and resolution are not compared: a 3.12+ module-level comprehension's
        // names are copied into the module only when no other statement mentions them, which a
        // chunk cannot see. Nothing reads them but the `check` JSON, which analyses whole files.
        let mut module: Vec<ModuleSymbol> = a.scopes[0]
            .symbols
            .iter()
            .map(|s| {
                let by = s.captured_by.iter().map(|&c| key(c)).collect();
                (s.name.clone(), format!("{:?}", s.origin), by)
            })
            .collect();
        module.sort();
        // The module's own cells (3.14's `__conditional_annotations__`).
        let module_code = a.scopes[0].code.clone();
        (scopes, occurrences, errors, module, module_code)
    }

    const SAMPLE: &str = "import os\n\ndef make_counter():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n        return count\n    return inc\n\nclass C:\n    def m(self):\n        __x = 1\n        return lambda: (__x, super())\n\nx = [lambda: i for i in range(3)]; y = 2\n# comment\n@dec\ndef f(a):\n    def g():\n        nonlocal b\n    return [a for _ in a]\n";

    /// Chunked equals whole (its flow facts too), or the module links its statements and is
    /// analysed whole.
    fn check(text: &str, version: PythonVersion, cache: &mut ChunkCache) {
        match chunked(text, version, cache) {
            Some(a) => {
                let whole = whole(text, version);
                assert_eq!(project(&a), project(&whole), "{version} {text}");
                assert_eq!(a.facts, whole.facts, "{version} {text}");
                assert_eq!(a.parse_errors, whole.parse_errors, "{version} {text}");
            }
            None => assert!(may_link(text, version), "{version} {text}"),
        }
    }

    /// Whether `text`'s statements may be linked (see [`chunk_starts`], [`links`] and
    /// [`annotates_module`]) or too few to chunk.
    fn may_link(text: &str, version: PythonVersion) -> bool {
        let whole = whole(text, version);
        let few = chunk_starts(&syntax::parse(text)).is_none_or(|s| s.len() < 2);
        few || links(&whole) || annotates_module(&whole)
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
            let stitched =
                stitched(&text, &syntax::parse(&text), version, 0, &mut cache, None).unwrap();
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
        // Bound twice (imported by another statement): the function is not known, and the
        // closure is judged kept; imported only: unknown in the chunk as in the module.
        let twice = "from m import keep\n\nif a:\n    def keep(f):\n        return f\n    def make():\n        for i in range(3):\n            keep(lambda: i)\n";
        let imported =
            "from m import keep\n\ndef make():\n    for i in range(3):\n        keep(lambda: i)\n";
        for text in [twice, imported] {
            for version in PythonVersion::ALL {
                check(text, version, &mut ChunkCache::default());
            }
        }
    }

    /// A loop closure made at module level is bound to a global when any function declares
    /// one, and its name may be used by other statements: judged on the whole module.
    #[test]
    fn module_level_loop_closures_are_judged_whole() {
        let text = "def g():\n    global X\n    X = 1\n\nfor i in range(3):\n    def h():\n        return i\n    hs.append(h)\n\nh()\n";
        for version in PythonVersion::ALL {
            let whole = whole(text, version);
            assert!(
                whole.facts.loop_closures.iter().any(|c| c.bound_to_global),
                "{version}"
            );
            check(text, version, &mut ChunkCache::default());
        }
    }

    #[test]
    fn linked_top_levels_are_analysed_whole() {
        let mut cache = ChunkCache::default();
        // A module-level `global` or `nonlocal`, wherever it sits, links the statements: the
        // binding before it makes a SyntaxError only the whole module shows.
        for text in [
            "x = 1\nglobal x\n",
            "x = 1\nif a:\n    global x\n",
            "x = 1\ntry:\n    pass\nexcept E:\n    nonlocal x\n",
            "x = 1\nglobal x $\n",
        ] {
            assert!(
                chunked(text, PythonVersion::Py314, &mut cache).is_none(),
                "{text}"
            );
            assert!(
                analyze_in_pieces(text, PythonVersion::Py314).is_none(),
                "{text}"
            );
            let whole = whole(text, PythonVersion::Py314);
            assert!(
                !whole.errors.is_empty() || whole.has_syntax_errors(),
                "{text}"
            );
        }
        // A link found once is found again without analysing a chunk; once it goes, the module
        // is chunked again.
        let mut cache = ChunkCache::default();
        let linked = "x = 1\n\nif a:\n    global x\n\ndef f():\n    pass\n";
        assert!(chunked(linked, PythonVersion::Py314, &mut cache).is_none());
        let analysed = cache.chunks_analysed();
        assert!(chunked(linked, PythonVersion::Py314, &mut cache).is_none());
        assert_eq!(cache.chunks_analysed(), analysed);
        let unlinked = linked.replace("global x", "pass");
        assert!(chunked(&unlinked, PythonVersion::Py314, &mut cache).is_some());
        // Under 3.14's rules, the module's annotations share one scope, made at the first: the
        // statements in between are one chunk (see
        // `module_annotations_of_several_statements_are_one_chunk`), but pieces are not joined.
        let text = "x: int = 1\n\ndef f(a: int): pass\n\ny: str = 2\n";
        let long = text.repeat(4000);
        for version in [PythonVersion::Py313, PythonVersion::Py314] {
            let pieces = analyze_in_pieces(&long, version);
            assert_eq!(
                pieces.is_none(),
                version >= PythonVersion::Py314,
                "{version}"
            );
        }
        // One chunk annotating, and functions with annotations of their own: stitched.
        let text = "x: int = 1; y: str = 2\n\ndef f(a: int): pass\n";
        check(text, PythonVersion::Py314, &mut ChunkCache::default());
        assert!(chunked(text, PythonVersion::Py314, &mut ChunkCache::default()).is_some());
    }

    /// Under 3.14's rules the module's annotations share one scope, made at the first: the
    /// statements from the first that annotates a module variable (in a conditional block too)
    /// to the last are analysed as one chunk, the others apart, and the stitched module equals
    /// the whole one.
    #[test]
    fn module_annotations_of_several_statements_are_one_chunk() {
        let text = "x: int = 1\n\ndef f(a: int): pass\n\nif c:\n    y: str = 2\n\ndef g():\n    return lambda: x\n";
        for version in PythonVersion::ALL {
            let joined = u64::from(version >= PythonVersion::Py314);
            let mut cache = ChunkCache::default();
            let same_as_whole = |text: &str, cache: &mut ChunkCache| {
                let stitched = chunked(text, version, cache).expect("chunked");
                let difference = first_difference(&stitched, &whole(text, version));
                assert!(difference.is_none(), "{version}: {difference:?}\n{text}");
            };
            same_as_whole(text, &mut cache);
            assert_eq!(cache.chunks_analysed(), 4 + joined, "{version}");
            // An edit after the annotations analyses its own chunk again; one between them, its
            // own and the joined one.
            let after = text.replace("lambda: x", "lambda: x + 1");
            same_as_whole(&after, &mut cache);
            assert_eq!(cache.chunks_analysed(), 5 + joined, "{version}");
            let between = after.replace("pass", "return a");
            same_as_whole(&between, &mut cache);
            assert_eq!(cache.chunks_analysed(), 6 + 2 * joined, "{version}");
            // A third annotation joins the chunks up to it too (`g` changed: it ends with a
            // blank line now).
            let third = format!("{between}\nz: float = 0.5\n\ndef h(): pass\n");
            same_as_whole(&third, &mut cache);
            assert_eq!(cache.chunks_analysed(), 9 + 3 * joined, "{version}");
        }
    }

    /// 3.14: while a syntax error stands at module level, the joined chunk of the module's
    /// annotations is taken from the last version's layout whole, not statement by statement:
    /// a keystroke inside it analyses it once, one after it reuses it.
    #[test]
    fn joined_annotations_are_taken_whole_through_syntax_errors() {
        let functions: String = (0..6).map(|i| format!("def f{i}(): pass\n\n")).collect();
        let text = format!("a: int = 1\n\n{functions}b: str = ''\n\ndef tail(): pass\n");
        let mut doc = Typing::open(&text, PythonVersion::Py314);
        // `def g():` with no body yet: a syntax error inside the joined chunk.
        let before = doc.cache.chunks_analysed();
        doc.type_after("pass\n\n", "def g():\n");
        let typed = doc.cache.chunks_analysed() - before;
        assert!(typed <= 2 * 9, "{typed} chunks analysed for 9 keystrokes");
        // After it, with the error still there: the joined chunk is reused.
        let before = doc.cache.chunks_analysed();
        doc.type_after("def tail(): pass", "  # x");
        let typed = doc.cache.chunks_analysed() - before;
        assert!(typed <= 5, "{typed} chunks analysed for 5 keystrokes");
    }

    /// A module importing `annotations` from `__future__` is chunked, each chunk read under
    /// that rule (no annotation scope, 3.14's module annotations in several statements); the
    /// chunks read under one rule are not reused under the other when the import comes or goes.
    #[test]
    fn future_annotations_modules_are_chunked() {
        let text = "'''Doc.'''\nfrom __future__ import annotations\n\nx: int = 1\n\ndef f(a: T) -> U:\n    y: V = a\n    return lambda: y\n\nclass C[T]:\n    z: T\n    def m(self, b: T) -> C: return super()\n\nw: list[C] = []\n";
        for version in PythonVersion::ALL {
            assert!(
                chunked(text, version, &mut ChunkCache::default()).is_some(),
                "{version}"
            );
            check(text, version, &mut ChunkCache::default());
            let mut doc = Typing::open(text, version);
            doc.type_after("\nw: list[C] = []\n", "v: dict[str, int] = {}\n");
            // The import broken and mended: each version read under its own rule.
            doc.type_after("annotations", "_");
            doc.type_after("__future__ import ", "x");
            let at = doc.text.find("xannotations_").unwrap();
            doc.edit(at, at + 1, "");
            let at = doc.text.find("annotations_").unwrap() + "annotations".len();
            doc.edit(at, at + 1, "");
            // Without the import, 3.14's module annotations in several statements share one
            // scope: the statements from the first to the last are one chunk, none is analysed
            // whole.
            assert_eq!(doc.wholes, 1, "{version}: analysed whole after the open");
        }
    }

    /// The SyntaxErrors of several chunks come in the order a whole analysis lists them (the
    /// first is the one CPython raises): those found visiting every chunk before those found
    /// resolving names.
    /// 3.12+: the module's cells are its inlined comprehensions' captured variables, in the order
    /// the comprehensions come, whichever statements hold them.
    #[test]
    fn module_cells_of_several_statements_keep_their_order() {
        let text = "ys = [lambda: y for y in range(2)]\n\nxs = [lambda: x for x in range(2)]\n";
        for version in [PythonVersion::Py312, PythonVersion::Py314] {
            let whole = whole(text, version);
            let cells = whole.scopes[0].code.as_ref().map(|c| c.cellvars.clone());
            assert_eq!(
                cells,
                Some(vec!["y".to_owned(), "x".to_owned()]),
                "{version}"
            );
            let mut cache = ChunkCache::default();
            for text in [text, &text.replace("range(2)", "range(3)")] {
                let stitched = chunked(text, version, &mut cache).expect("stitched");
                assert_eq!(
                    stitched.scopes[0].code,
                    self::whole(text, version).scopes[0].code
                );
            }
        }
    }

    /// 3.12+: a comprehension in a module-level one reads the outer one's variable from the
    /// module's cell when another statement makes the name a cell of the module (by capturing
    /// it in its own comprehension), and from no cell once none does.
    #[test]
    fn module_comprehension_cells_are_the_whole_module_s() {
        let text = "ws = [[y for x in a] for y in b]\n\nzs = [lambda: y for y in c]\n";
        for version in [PythonVersion::Py312, PythonVersion::Py314] {
            let mut cache = ChunkCache::default();
            check(text, version, &mut cache);
            check(&text.replace("in c", "in d"), version, &mut cache);
            check(&text.replace("lambda: y", "lambda: x"), version, &mut cache);
            check(&text.replace("in b", "in e"), version, &mut cache);
        }
        // Through a class in a function, and typing in the function.
        let text = "zs = [lambda: y for y in c]\n\ndef f():\n    class K:\n        ws = [[y for x in a] for y in b]\n    return K\n";
        for version in [PythonVersion::Py312, PythonVersion::Py314] {
            let whole = whole(text, version);
            let inner = whole
                .scopes
                .iter()
                .rev()
                .find(|s| s.kind == crate::analysis::ScopeKind::ListComp);
            let y = inner.and_then(|s| s.symbol("y")).map(|y| y.captures_from);
            assert_eq!(y, Some(Some(ScopeId::MODULE)), "{version}");
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            doc.type_after("return K", "2");
            doc.type_after("lambda: y", "2");
            doc.type_after("ws = [[y for x in a", "2");
        }
    }

    /// 3.12+: the same through a class in a function, where another class's body makes the
    /// function's variable a cell (a focused run on the first class does not visit it).
    #[test]
    fn comprehension_cells_made_by_another_body_are_read() {
        let text = "def f(p):\n    class x(C):\n        x = [x for s in p if {p: s(x) for f in a} for x in 3]\n    class a(C):\n        y = x\n";
        for version in [PythonVersion::Py312, PythonVersion::Py314] {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            doc.type_after("for s in p", "q");
        }
        // A method kept while its class's comprehension starts capturing the name it reads.
        let text = "def f(x):\n    class K:\n        a = 1\n\n        def m(self):\n            return x\n    return K\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            let at = doc.text.find("1\n").unwrap();
            doc.edit(at, at + 1, "[lambda: x for x in b]");
            let at = doc.text.find("lambda: x").unwrap();
            doc.edit(at + 8, at + 9, "y");
        }
    }

    /// A `super()` call's facts read how the module calls its function (here, not at all: it
    /// is stored, in another statement): judged on the whole module, also when the function is
    /// generic (3.12+; its parent scope is then its type parameters').
    #[test]
    fn super_calls_of_a_module_function_are_judged_whole() {
        let plain = "def f(self):\n    return super().m()\n\ng = f\n\nx = 1\n";
        for (version, text) in with_a_generic_def(plain) {
            let mut cache = ChunkCache::default();
            let whole = whole(&text, version);
            assert_eq!(whole.facts.super_calls[0].called_with, None, "{version}");
            check(&text, version, &mut cache);
            check(&text.replace("x = 1", "x = 2"), version, &mut cache);
        }
    }

    /// `plain` under every version, and from 3.12 also with its `def f(` made generic.
    fn with_a_generic_def(plain: &str) -> Vec<(PythonVersion, String)> {
        let generic = plain.replace("def f(", "def f[T](");
        let mut texts = Vec::new();
        for version in PythonVersion::ALL {
            texts.push((version, plain.to_owned()));
            if version >= PythonVersion::Py312 {
                texts.push((version, generic.clone()));
            }
        }
        texts
    }

    /// The same when the reading statement's body is analysed again alone (a class body here).
    #[test]
    fn super_calls_of_a_module_function_follow_a_body_edit() {
        let plain = "def f(self):\n    return super().m()\n\nclass K:\n    x = 1\n";
        for (version, text) in with_a_generic_def(plain) {
            let mut doc = Typing::opened(&text, version, Warming::AtOnce);
            let at = doc.text.find("x = 1").unwrap() + 4;
            doc.edit(at, at + 1, "f");
            doc.edit(at, at + 1, "f(self)");
        }
    }

    /// 3.14: a module-level annotation in a conditional block gives the module a cell
    /// (`__conditional_annotations__`), whichever statement holds it; the module's
    /// `__annotate__` starts at the module's first statement, not at the statement holding it.
    /// A `yield` at module level (an error) marks the module, whichever statement holds it.
    #[test]
    fn a_later_statement_s_module_annotations_are_the_module_s() {
        let text = "def f():\n    return 1\n\nif f():\n    y: int = 1\n    yield\n";
        let mut cache = ChunkCache::default();
        let whole = whole(text, PythonVersion::Py314);
        let cells = whole.scopes[0].code.as_ref().map(|c| c.cellvars.clone());
        assert_eq!(cells, Some(vec!["__conditional_annotations__".to_owned()]));
        for text in [text, &text.replace("return 1", "return 2")] {
            let stitched = chunked(text, PythonVersion::Py314, &mut cache).expect("stitched");
            assert_eq!(stitched.scopes, whole.scopes);
        }
    }

    #[test]
    fn errors_of_several_chunks_are_in_the_whole_order() {
        let text = "def f():\n    nonlocal q\n\ndef g(p):\n    global p\n";
        for version in PythonVersion::ALL {
            let a = chunked(text, version, &mut ChunkCache::default()).unwrap();
            let messages: Vec<String> = a.errors.iter().map(|e| e.message()).collect();
            assert_eq!(
                messages,
                [
                    "name 'p' is parameter and global",
                    "no binding for nonlocal 'q' found"
                ],
            );
            assert_eq!(a.errors, whole(text, version).errors);
        }
    }

    /// Where a stitched analysis first differs from the whole one in what the features rely on
    /// (see [`project`]) or in its facts, briefly (the texts are long).
    fn first_difference(stitched: &Analysis, whole: &Analysis) -> Option<String> {
        fn first<T: std::fmt::Debug + PartialEq>(what: &str, x: &[T], y: &[T]) -> Option<String> {
            let differs = x.iter().zip(y).position(|(a, b)| a != b);
            let i = differs.or((x.len() != y.len()).then(|| x.len().min(y.len())))?;
            let (n, m) = (x.len(), y.len());
            Some(format!(
                "{what} {i} of {n} vs {m}:\n{:?}\n{:?}",
                x.get(i),
                y.get(i)
            ))
        }
        let (p, q) = (project(stitched), project(whole));
        let (f, g) = (&stitched.facts, &whole.facts);
        None.or_else(|| first("scope", &p.0, &q.0))
            .or_else(|| first("occurrence", &p.1, &q.1))
            .or_else(|| first("error", &p.2, &q.2))
            .or_else(|| first("module symbol", &p.3, &q.3))
            .or_else(|| first("loop closure", &f.loop_closures, &g.loop_closures))
            .or_else(|| first("unassigned read", &f.unassigned_reads, &g.unassigned_reads))
            .or_else(|| first("empty cell read", &f.empty_cell_reads, &g.empty_cell_reads))
            .or_else(|| first("super call", &f.super_calls, &g.super_calls))
            .or_else(|| first("declaration", &f.declarations, &g.declarations))
            .or_else(|| first("body start", &f.body_starts, &g.body_starts))
            .or_else(|| first("module import", &f.module_imports, &g.module_imports))
            .or_else(|| first("callee read", &f.callee_reads, &g.callee_reads))
            .or_else(|| {
                let (x, y) = (&f.module_callees, &g.module_callees);
                first("module callee reader", x, y)
            })
            .or_else(|| (f != g).then(|| format!("{f:?}\n{g:?}")))
    }

    /// A document edited and analysed version by version as the server does it
    /// ([`analyze_version`] after a whole first analysis and the warm-up), each version checked
    /// against a whole analysis of its text.
    struct Typing {
        text: String,
        tree: Tree,
        version: PythonVersion,
        generation: u64,
        cache: ChunkCache,
        /// How many versions were analysed whole, and how many of them had syntax errors.
        wholes: usize,
        broken_wholes: usize,
        /// How many versions with syntax errors were not analysed whole.
        broken_stitched: usize,
        /// When the cache is warmed after an analysis.
        warming: Warming,
        /// A warm-up under way: what it analysed, and the version it is handed over after.
        pending: Option<(Option<Warmed>, u64)>,
    }

    /// When a [`Typing`] warms its cache after an analysis.
    #[derive(Clone, Copy, PartialEq)]
    enum Warming {
        Never,
        /// At once, whenever it is empty.
        AtOnce,
        /// Whenever it is empty, from the version just analysed, but handed over zero to three
        /// versions later (the server's warm-up runs while the edits come).
        Late,
    }

    impl Typing {
        fn open(text: &str, version: PythonVersion) -> Typing {
            Typing::opened(text, version, Warming::AtOnce)
        }

        fn opened(text: &str, version: PythonVersion, warming: Warming) -> Typing {
            let mut typing = Typing {
                text: text.to_owned(),
                tree: syntax::parse(text),
                version,
                generation: 0,
                cache: ChunkCache::default(),
                wholes: 0,
                broken_wholes: 0,
                broken_stitched: 0,
                warming,
                pending: None,
            };
            typing.analyse(|_| None);
            typing
        }

        /// Replaces `start..end` by `insert`, analyses the new version and checks it.
        fn edit(&mut self, start: usize, end: usize, insert: &str) -> Arc<Analysis> {
            let (edit, changed) =
                reparse_edited(&mut self.text, &mut self.tree, start, end, insert);
            self.generation += 1;
            let analysis = self.analyse(|_| Some((edit, changed)));
            let (text, version) = (&self.text, self.version);
            // Where the text has a syntax error, tree-sitter's recovery may take another path
            // from the old tree than from none (`tests/incremental_reparse.rs`): the reference
            // is then the whole analysis of the tree the document holds.
            let fresh = syntax::parse(text);
            let tree = match fresh.root_node().has_error() {
                true => &self.tree,
                false => &fresh,
            };
            let whole = analysis::analyze(text, tree, version);
            let at = format!("{version}: {insert:?} at {start}..{end}\n{text}");
            let difference = first_difference(&analysis, &whole);
            assert!(
                difference.is_none(),
                "{}\n{at}",
                difference.unwrap_or_default()
            );
            assert_eq!(analysis.parse_errors, whole.parse_errors, "{at}");
            analysis
        }

        fn analyse(
            &mut self,
            edit_since: impl FnOnce(u64) -> Option<(Edit, Vec<TextRange>)>,
        ) -> Arc<Analysis> {
            let (text, tree, version) = (&self.text, &self.tree, self.version);
            let mut whole = false;
            let analysis = analyze_version(
                text,
                tree,
                version,
                self.generation,
                &mut self.cache,
                edit_since,
                || {
                    whole = true;
                    analysis::analyze(text, tree, version)
                },
            );
            let broken = tree.root_node().has_error();
            self.wholes += whole as usize;
            self.broken_wholes += (whole && broken) as usize;
            self.broken_stitched += (!whole && broken) as usize;
            // The server warms the cache whenever it is empty after an analysis.
            match self.warming {
                Warming::Never => {}
                Warming::AtOnce => warm(text, tree, version, &mut self.cache),
                Warming::Late => match self.pending.take() {
                    Some((warmed, due)) if due <= self.generation => {
                        self.cache.take_warmed(warmed);
                    }
                    Some(pending) => self.pending = Some(pending),
                    None if self.cache.start_warm_up() => {
                        let due = self.generation + self.generation % 4;
                        self.pending = Some((warm_up(text, tree, version), due));
                    }
                    None => {}
                },
            }
            analysis
        }

        /// Types `insert` character by character just after the first `anchor`.
        fn type_after(&mut self, anchor: &str, insert: &str) {
            let mut at = self.text.find(anchor).unwrap() + anchor.len();
            for ch in insert.chars() {
                self.edit(at, at, ch.encode_utf8(&mut [0; 4]));
                at += ch.len_utf8();
            }
        }
    }

    /// Opens `text` under every version and types each `(anchor, insert)` just after its
    /// anchor, every version checked against a whole analysis.
    fn typed_in_every_version(text: &str, steps: &[(&str, &str)]) {
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            for (anchor, insert) in steps {
                doc.type_after(anchor, insert);
            }
        }
    }

    /// 3.12+: a comprehension inlined into `g` makes `a` a cell of `g` that a generator
    /// expression reads; unless `g` binds `a` itself, CPython passes `a` up as free all the
    /// same, and `f`'s `a` becomes a cell nobody reads (`f.__code__.co_cellvars == ('a',)` in
    /// CPython 3.12 to 3.14). Typing in `g`'s body so that it stops binding `a`, or starts
    /// again, changes `f`'s cells: what `g` gives `f` changed, though its free variables did not.
    #[test]
    fn a_cell_an_inlined_comprehension_passes_up_follows_edits() {
        let text = "def f():\n    a = 1\n    def g():\n        [lambda: a for a in ()]\n        (q for q in () if a)\n        a = 2\n";
        typed_in_every_version(
            text,
            &[("\n        a", "z"), ("\n        az", "\n        a")],
        );
        // The same through a class whose other methods are kept when its body is edited.
        let text = "def f():\n    a = 1\n    class K:\n        def m(self):\n            [lambda: a for a in ()]\n            (q for q in () if a)\n        x = 1\n    return K\n";
        typed_in_every_version(text, &[("\n        x", "y")]);
    }

    /// A class of two methods, `K.a` and `K.b`, for typing after `K.a`'s last line.
    const TWO_METHODS: &str = "class K:\n    def a(self):\n        x = 1\n        return x\n\n    def b(self):\n        return 2\n";

    /// The qualname of the scope the last edit of `typing` spliced in (`analysis`: its
    /// result), or `None` when it spliced none.
    fn spliced_root(typing: &Typing, analysis: &Analysis) -> Option<String> {
        let (_, spliced) = typing.cache.spliced(typing.generation)?;
        Some(
            analysis
                .scope(ScopeId(spliced.new_scopes.start))
                .qualname
                .clone(),
        )
    }

    /// Typed after a method's last line, where most code is written, a keystroke that leaves
    /// no syntax error re-analyses that method alone, not its class with every other method:
    /// Enter (blank space, which the tree leaves out of the method) at the end of that line or
    /// on the blank line after it, and the characters typed on the new line (outside the
    /// method's previous range, inside its new one).
    #[test]
    fn typing_after_a_method_s_last_line_re_analyses_only_the_method() {
        let text = TWO_METHODS;
        // At the end of the last line, and on the blank line after it.
        for (version, line) in [PythonVersion::Py311, PythonVersion::Py314]
            .into_iter()
            .flat_map(|v| ["return x", "return x\n"].map(|line| (v, line)))
        {
            let mut typing = Typing::open(text, version);
            let mut at = text.find(line).expect("the last line") + line.len();
            for keystroke in ["\n        ", "v", "a", "l", "\n        ", "x"] {
                let analysis = typing.edit(at, at, keystroke);
                at += keystroke.len();
                assert_eq!(
                    spliced_root(&typing, &analysis).as_deref(),
                    Some("K.a"),
                    "{version}: {keystroke:?} after {line:?}"
                );
            }
        }
    }

    /// An unfinished statement typed at the end of a method's last line: the syntax error that
    /// ends the method while the statement is incomplete is the method's, so each keystroke
    /// re-analyses the method alone, in 3.11 and 3.14.
    #[test]
    fn an_unfinished_statement_at_a_method_s_end_re_analyses_only_the_method() {
        let text = TWO_METHODS;
        for (version, statement) in [PythonVersion::Py311, PythonVersion::Py314]
            .into_iter()
            .flat_map(|v| ["value = x", "if x:", "x += 1", "return x.y"].map(|s| (v, s)))
        {
            let mut typing = Typing::open(text, version);
            let mut at = text.find("return x").expect("the last line") + "return x".len();
            typing.edit(at, at, "\n        ");
            at += "\n        ".len();
            for (i, keystroke) in statement.char_indices() {
                let analysis = typing.edit(at + i, at + i, &keystroke.to_string());
                assert_eq!(
                    spliced_root(&typing, &analysis).as_deref(),
                    Some("K.a"),
                    "{version}: {:?}",
                    &statement[..=i]
                );
            }
        }
    }

    /// A deletion that takes the body of one method and the start of the next, longer than
    /// the next: that method is not kept from the last version (its old range, moved by the
    /// edit, would end before it starts).
    #[test]
    fn a_deletion_into_the_next_method_does_not_keep_it() {
        let text = "class K:\n    def a(self):\n        x = 1\n        y = 2\n        return x + y\n\n    def b(self): return 2\n\n    def c(self):\n        return 3\n";
        for version in [PythonVersion::Py311, PythonVersion::Py314] {
            let mut typing = Typing::open(text, version);
            let start = text.find("x = 1").expect("a's body");
            let end = text.find("(self): return 2").expect("b's header");
            typing.edit(start, end, "");
        }
    }

    /// Taking back text at the end of a `def` that ends a loop's body (a statement being typed
    /// after its last line, or that line itself) ends the loop earlier too: the closures made in
    /// the loop are judged by where its body ends.
    #[test]
    fn a_def_that_ends_a_loop_s_body_shrinks_the_loop_with_it() {
        let text = "fs = []\nfor f in range(3):\n    def c():\n        return f\n    fs.append(c)\n    def i(b):\n        g = b\n        return g\n";
        for version in [PythonVersion::Py311, PythonVersion::Py314] {
            for taken in ["\n        return g", "g"] {
                let mut typing = Typing::open(text, version);
                let end = text.len() - 1;
                typing.edit(end, end, "\n        z = ");
                typing.edit(end, end + "\n        z = ".len(), "");
                let start = end - taken.len();
                typing.edit(start, end, "");
            }
        }
    }

    /// A method's qualname drops its class's when the class declares its name `global`:
    /// typing in the method's body, or the declaration in the class body.
    #[test]
    fn qualnames_follow_a_class_s_global_declarations() {
        let text = "class K:\n    global m\n    def m(self):\n        return lambda: 1\n\n    def n(self):\n        return 2\n";
        typed_in_every_version(text, &[("return lambda: 1", " + 1"), ("global m", ", n")]);
    }

    /// A lambda in a method's parameter annotation is analysed with the method's header
    /// (3.14: in its `__annotate__` scope), its body too.
    #[test]
    fn lambdas_in_a_method_header_are_analysed_with_it() {
        let text = "class A:\n    def __p(__p, a, C: (lambda f=C(): __p), **kw):\n        pass\n";
        typed_in_every_version(text, &[("**kw", "q")]);
    }

    /// 3.14: a method's `__annotate__` scope sees its class's names: editing the method's
    /// header re-reads an annotation naming a class attribute through the class.
    #[test]
    fn annotations_read_class_names_after_a_header_edit() {
        let text = "def f():\n    Alias = int\n    class K:\n        Alias = str\n        def m(self, x: Alias, **kw):\n            return Alias\n    return K\n";
        typed_in_every_version(text, &[("**kw", "q")]);
    }

    /// 3.14: a class nested in a class reads `__classdict__` (here in a comprehension) from the
    /// outer class, whose cell only its annotations make; typing in the nested class's body
    /// must not take the name for a new global when the focused run skips those annotations.
    #[test]
    fn class_cells_made_by_the_annotations_of_an_outer_class_are_read() {
        let text = "class K:\n    class I:\n        if x:\n            pass\n        [__classdict__ for x in y]\n    v: (lambda: p) = 1\n";
        typed_in_every_version(text, &[("            pass", "\n            z")]);
    }

    /// An edit that breaks a class body's indentation (3.14: a comprehension reading
    /// `__class__` in it): tree-sitter's recovery gives the focused run an occurrence naming a
    /// variable that no symbol of its scope names, which the splice cannot carry over.
    #[test]
    fn occurrences_their_scope_does_not_name_are_not_spliced() {
        let text = "class C(f, (lambda *args, **kw: __p)):\n    for f in self:\n        __class__ = 1\n        {__class__: g for y in (lambda : self)}\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::Late);
            let at = text.find("        __class__").unwrap();
            doc.edit(at, at, "    ");
        }
    }

    /// 3.12+: a class-level comprehension reads `__class__` as a global when the class binds
    /// the name itself, and no symbol names that global: a new global typed in another body puts
    /// the globals in order without losing it, and an edit taking the read away drops it.
    #[test]
    fn globals_only_occurrences_name_are_kept_in_order() {
        let text = "class C:\n    __class__ = 1\n    [__class__ for x in ()]\n    y = 2\n\ndef f():\n    return 0\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            doc.type_after("return ", "zz + ");
            let at = doc.text.find("[__class__").unwrap() + 1;
            doc.edit(at, at + "__class__".len(), "x");
        }
    }

    /// 3.12+: a lambda in a comprehension makes its variable a cell of the function it is
    /// inlined into (here also free in it), which the focused run of another body does not see:
    /// a free name there reads the outer function's cell, and is listed under the inner one's
    /// when found again.
    #[test]
    fn cells_found_again_list_their_captures() {
        let text = "def x(C):\n    def f():\n        z = C\n        y = [(lambda: C) for C in ()]\n        def g():\n            return C\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            let at = text.find("return C").unwrap() + "return C".len();
            doc.edit(at, at, " or C");
        }
    }

    /// 3.12+: a module-level comprehension binding `__classdict__` makes a module cell, which a
    /// class's comprehension in another statement reads (its chunk, alone, reads a global).
    #[test]
    fn a_module_s_classdict_cell_is_read_across_chunks() {
        let text = "class K:\n    [__classdict__ for x in ()]\ny = [lambda: __classdict__ for __classdict__ in ()]\n";
        typed_in_every_version(text, &[("()]\n", "z = 1\n")]);
    }

    /// In a text with syntax errors, tree-sitter may recover differently in a statement the
    /// edit did not touch without reporting it changed (here `de(l selq` becomes one ERROR
    /// node instead of two): the last version's analysis of that statement is not carried over.
    #[test]
    fn statements_tree_sitter_recovered_anew_are_analysed_again() {
        let text = "else:\n    fs.append(lambda: xi)\nfrom m import *\n    de(l selq\nfrom __future__ import annotations\ndef f(def fx(defb(g, x):$\n";
        for version in PythonVersion::ALL {
            for warming in [Warming::AtOnce, Warming::Late] {
                let mut doc = Typing::opened(text, version, warming);
                let last = text.find("def f(").unwrap();
                doc.edit(last, text.len(), "");
                doc.edit(5, 5, "é");
            }
        }
    }

    /// In a text with syntax errors, tree-sitter may recover differently outside the body an
    /// edit is in without reporting it changed (here an error moves from a `:` into the
    /// indentation before it, after a quote typed far below): the body is not spliced.
    #[test]
    fn bodies_are_not_spliced_where_tree_sitter_recovered_anew_outside() {
        let text = "        i = f + f\n            return ﬁ\n            i = (lambda x, a, C: ﬁ)\nexcept Exception as x:\n    with f'{i}' as f:\n        class x:\n            self = self.m\n            (g := (lambda : 7) + g)\n        while (i := {(f for i in 1 if a): {x: g for i in f if i for C in __class__} for b in (lambda : f) if i}):\n            for b in (f := __p__.__p):\n                del i\n                        import os as g\n        async def C(C, *args):\n            y = (self for b in __classdict__ for __p in f)\n            nonlocal b\n                                    if {(lambda f, self, *args: (lambda y={g for f in y for b in f}, i=None: 0)) for T in __class__ if x + (lambda b, y=self.__p, *args: __p)}:\n                                                            {{f.m for T in {2 for (C, f) in x}}: i for (__p, self) in i}\n                                        if (lambda *args: (g := f())):\n                        if y(f'{i}', a.__p):\n    class K:\n                        __class__ = self.__p\n";
        let edits = [
            (368, 368, ":"),
            (899, 899, "\""),
            (508, 508, "            del y\n"),
            (886, 886, "\n"),
            (445, 446, ""),
            (164, 164, ":"),
            (725, 725, "@dec\n"),
            (660, 660, "'"),
            (504, 504, "\""),
            (8, 8, "'"),
            (1021, 1021, "'"),
        ];
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            for (start, end, insert) in edits {
                doc.edit(start, end, insert);
            }
        }
    }

    /// 3.11 and 3.12 number a `try`'s `else` scopes before its handlers': typing in a function
    /// in a handler moves the `else`'s lambda after it (first in pre-order), and typing in one
    /// in the `else` leaves the handler's lambda (after it in pre-order) where it is.
    #[test]
    fn scopes_of_a_try_move_by_place_not_by_order() {
        let handler = "try:\n    pass\nexcept E:\n    def f():\n        x = 1\n        return x\nelse:\n    g = lambda: 1\n";
        let orelse = "try:\n    pass\nexcept E:\n    g = lambda: 1\nelse:\n    def f():\n        x = 1\n        return x\n";
        for text in [handler, orelse] {
            typed_in_every_version(text, &[("x = 1", "\n        y = 2")]);
        }
    }

    /// A method defined in a loop of its class body is not kept when the class is analysed
    /// again: its loop facts hold the loop, which an edit after the method changes.
    #[test]
    fn a_method_in_a_class_level_loop_is_not_kept() {
        let text = "class K:\n    for f in i:\n        def m(self):\n            return lambda: f + y\n        a = 1\n        b = 2\n    c = 3\n";
        for version in PythonVersion::ALL {
            let whole = whole(text, version);
            assert!(!whole.facts.loop_closures.is_empty(), "{version}");
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            let b = doc.text.find("    b = 2").unwrap();
            doc.edit(b, b + 4, "");
            // A loop made around a method.
            let at = doc.text.find("    c = 3").unwrap();
            doc.edit(
                at,
                at,
                "    if g:\n        def n(self):\n            return lambda: g\n",
            );
            let at = doc.text.find("if g:").unwrap();
            doc.edit(at, at + 2, "for g in");
        }
    }

    /// Deleting a whole statement puts the next one where it was: when the next is as long,
    /// the last version's chunk at that place is still the deleted statement's, not its own.
    #[test]
    fn a_deleted_statement_does_not_stand_for_the_next() {
        // The syntax error keeps the chunks from being found by their text.
        let text = "import f\nx = 0\nT_co = f('T_co')\nV_co = f('V_co')\nz = T_co\nw = )\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::Never);
            // A module-level edit first, so that the next one has a last layout to reuse.
            let x = doc.text.find("x = 0").unwrap();
            doc.edit(x, x + 1, "y");
            let at = doc.text.find("T_co =").unwrap();
            let line = doc.text[at..].find('\n').unwrap() + 1;
            doc.edit(at, at + line, "");
        }
    }

    /// A method kept while its class body is analysed again is not visited: a parse error the
    /// collector recovers in it (3.11 reading a type parameter default) is not reported.
    #[test]
    fn a_kept_method_keeps_its_recovered_parse_errors() {
        let text = "class K:\n    def m(self):\n        type A[x = b, a] = T\n        return 1\n\n    y = 1\n\n\nz = 2\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::AtOnce);
            let y = doc.text.find("y = 1").unwrap();
            doc.edit(y + 4, y + 5, "2");
            doc.edit(y + 4, y + 5, "3");
        }
    }

    /// With a syntax error tree-sitter may put a module statement inside a `def` (here after a
    /// string that ends the broken body): its names move with an edit before them in the body.
    #[test]
    fn names_of_other_scopes_inside_a_broken_def_move_with_the_edit() {
        let text = "def g(a, a: int): +\n'''else:\n)\n    return lambda: a\n'''fs = [lambda: i for i in r]\nz = 1\n";
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(text, version, Warming::Never);
            let at = doc.text.find("'''fs").unwrap();
            doc.edit(at, at, "for i in r:\n    fs.append(lambda: i)\n");
        }
    }

    /// A warm-up does not hold the cache: the edits that come meanwhile re-analyse their body
    /// from the last analysis, and the chunks it analysed, keyed by their text, serve the next
    /// edit at module level. A cache emptied meanwhile (its document went cold) takes nothing.
    #[test]
    fn edits_during_a_warm_up_do_not_wait_for_it() {
        for version in PythonVersion::ALL {
            let mut doc = Typing::opened(SAMPLE, version, Warming::Never);
            assert!(doc.cache.start_warm_up(), "{version}");
            assert!(
                !doc.cache.start_warm_up(),
                "{version}: one warm-up at a time"
            );
            let warmed = warm_up(&doc.text, &doc.tree, version);
            assert!(warmed.is_some(), "{version}");
            doc.type_after("    return inc", "_or_none");
            assert_eq!(doc.cache.body_splices(), 8, "{version}");
            assert_eq!(doc.wholes, 1, "{version}: analysed whole after an edit");
            doc.cache.take_warmed(warmed);
            assert!(!doc.cache.wants_warm_up(), "{version}");
            // The new statement's chunk is analysed, and the one the body edits changed since
            // the warm-up's text (not the five chunks of the module).
            let analysed = doc.cache.chunks_analysed();
            let at = doc.text.find("\ndef make_counter").unwrap();
            doc.edit(at, at, "\nz = 1\n");
            assert_eq!(doc.wholes, 1, "{version}: analysed whole after an edit");
            assert!(
                doc.cache.chunks_analysed() - analysed <= 2,
                "{version}: {} chunks analysed again",
                doc.cache.chunks_analysed() - analysed
            );

            let mut cold = Typing::opened(SAMPLE, version, Warming::Never);
            assert!(cold.cache.start_warm_up());
            let warmed = warm_up(&cold.text, &cold.tree, version);
            cold.cache = ChunkCache::default();
            cold.cache.take_warmed(warmed);
            assert!(
                cold.cache.wants_warm_up(),
                "{version}: a cold cache took chunks"
            );
        }
    }

    /// Typing a new top-level function, a class attribute, an unclosed bracket and stray
    /// characters at module level passes through texts with syntax errors: each is stitched
    /// from the chunks the edit touched, never analysed whole, and equals the whole analysis.
    #[test]
    fn module_level_typing_through_syntax_errors_is_stitched() {
        for version in PythonVersion::ALL {
            let mut doc = Typing::open(SAMPLE, version);
            let opened = doc.cache.chunks_analysed();
            doc.type_after(
                "import os\n",
                "\ndef new(q, *, k=(1, 2)):\n    return lambda: q + k\n",
            );
            doc.type_after("class C:\n", "    limit = [1, (2)]\n");
            doc.type_after("# comment\n", "$ + (\n");
            let at = doc.text.find("$ + (\n").unwrap();
            doc.edit(at, at + 6, "");
            // An edit in a body (spliced) between edits at module level (stitched).
            doc.type_after("__x = 1", "; y = __x");
            doc.type_after("y = 2\n", "@de");
            doc.type_after("def make_counter(", "z");
            doc.type_after("__x = 1", "$");
            doc.type_after("y = 2\n@de", "c\n");
            // Replacements that keep a chunk's length (overtyping a name).
            for (from, to) in [("y = 2", "w = 2"), ("def f(a)", "def f(b)")] {
                let at = doc.text.find(from).unwrap();
                doc.edit(at, at + from.len(), to);
            }
            assert_eq!(doc.wholes, 1, "{version}: analysed whole after an edit");
            assert!(
                doc.broken_stitched > 40,
                "{version}: {}",
                doc.broken_stitched
            );
            // Only the chunks an edit touched are analysed again: one, or two when it splits
            // one or joins two.
            let edits = doc.generation;
            let analysed = doc.cache.chunks_analysed() - opened;
            assert!(
                analysed <= edits * 2,
                "{version}: {analysed} chunks for {edits} edits"
            );
            // A text opened with a syntax error: the warm-up cannot key its chunks by their
            // text, so its first edit analyses them all; the next ones only those they reach.
            let mut doc = Typing::open(&SAMPLE.replace("class C:", "class C(:"), version);
            assert_eq!(doc.cache.chunks_analysed(), 0, "{version}");
            let at = doc.text.find("# comment\n").unwrap();
            doc.edit(at, at, "z = 1\n");
            let all = doc.cache.chunks_analysed();
            assert!(all > 5, "{version}: {all}");
            doc.edit(at, at, "w = 2\n");
            let next = doc.cache.chunks_analysed() - all;
            assert!(next <= 2, "{version}: {next} chunks analysed again");
            assert_eq!(doc.wholes, 1, "{version}: analysed whole after an edit");
        }
    }

    /// What random module-level edits type at the start of a line: statements, pieces of them
    /// that break the syntax around them (brackets, strings, headers without bodies) and
    /// statements that link the chunks.
    const AT_LINE_STARTS: [&str; 22] = [
        "from __future__ import annotations\n",
        "from m import *\n",
        "def f(",
        "def g(a):\n    return lambda: a\n",
        "x = (",
        ")\n",
        "class K:\n",
        "    def m(self):\n",
        "@dec\n",
        "if a:\n",
        "'''",
        "\"",
        "$",
        "global g\n",
        "try:\n",
        "import os\n",
        "fs = [lambda: i for i in r]\n",
        "for i in r:\n    fs.append(lambda: i)\n",
        "else:\n",
        "\n",
        "    ",
        "y = x + ",
    ];

    /// Random edits as someone typing makes them, kept when they break the syntax: text typed
    /// at line starts ([`AT_LINE_STARTS`]) and anywhere, lines and characters deleted, names
    /// overtyped (the text keeps its length), edits in bodies. Every version equals the whole
    /// analysis; returns how many had syntax errors and were not analysed whole.
    fn random_typing(text: &str, version: PythonVersion, steps: usize, seed: u64) -> usize {
        // Every other run hands the warm-ups over late, as the server's come.
        let warming = [Warming::AtOnce, Warming::Late][seed as usize % 2];
        let mut doc = Typing::opened(text, version, warming);
        let mut bodies = random_edits::BodyEdits::new(seed);
        let mut state = seed;
        let mut analysis = whole(text, version);
        for _ in 0..steps {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let text = &doc.text;
            let at = floor_boundary(text, (state >> 33) as usize % (text.len() + 1));
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let next_char = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let pick = (state >> 8) as usize;
            let (start, end, insert) = match (state >> 58) % 6 {
                0 | 1 => (
                    line,
                    line,
                    AT_LINE_STARTS[pick % AT_LINE_STARTS.len()].to_owned(),
                ),
                2 => (
                    at,
                    at,
                    ["(", ":", "x", " ", "\n", "é", "$", "'"][pick % 8].to_owned(),
                ),
                3 if pick % 2 == 0 => (line, line_end, String::new()),
                3 => (at, next_char, String::new()),
                4 => match analysis
                    .occurrences
                    .get(pick % analysis.occurrences.len().max(1))
                {
                    Some(o) if o.range.end > o.range.start => {
                        let end = o.range.end;
                        let last = text[..end].chars().next_back().map_or(1, char::len_utf8);
                        let typed = if text[..end].ends_with('q') { "z" } else { "q" };
                        (end - last, end, typed.to_owned())
                    }
                    _ => (at, at, "q".to_owned()),
                },
                _ => bodies
                    .next(text, &analysis)
                    .unwrap_or((at, at, "x".to_owned())),
            };
            analysis = Analysis::clone(&doc.edit(start, end, &insert));
        }
        doc.broken_stitched
    }

    /// Random typing over samples and stdlib files, in 3.11 and 3.14: every version equals the
    /// whole analysis, and versions with syntax errors are stitched.
    /// `CLOSURE_LENS_TYPING_EDITS=N` makes N edits per file and version (default 40);
    /// `CLOSURE_LENS_TYPING_SEED=S` types other sequences (default 0);
    /// `CLOSURE_LENS_TYPING_DIR=DIR` types in DIR's `.py` files too (say, the programs of
    /// `tests/oracle/random_programs.py`); `CLOSURE_LENS_TYPING_VERSIONS=3.12,3.13` under
    /// other rules.
    #[test]
    fn random_typing_equals_whole() {
        let steps = from_env("CLOSURE_LENS_TYPING_EDITS", 40);
        let seed = from_env("CLOSURE_LENS_TYPING_SEED", 0u64);
        let versions = std::env::var("CLOSURE_LENS_TYPING_VERSIONS");
        let versions: Vec<PythonVersion> = match versions.as_deref() {
            Ok(list) => list
                .split(',')
                .map(|v| PythonVersion::parse(v).expect(v))
                .collect(),
            Err(_) => vec![PythonVersion::Py311, PythonVersion::Py314],
        };
        // Module variables annotated in several statements (3.14: one scope for them all).
        let annotating =
            format!("limit: int = 3\n\n{SAMPLE}\nif DEBUG:\n    level: str = 'x'\n\n{SAMPLE}");
        let mut texts = vec![SAMPLE.repeat(3), annotating];
        if let Some(stdlib) = stdlib() {
            for name in ["dataclasses.py", "functools.py"] {
                texts.extend(std::fs::read_to_string(stdlib.join(name)));
            }
            // Read under `from __future__ import annotations` (the edits may break the import).
            let annotated = std::fs::read_to_string(stdlib.join("typing.py")).unwrap_or_default();
            texts.push(format!("from __future__ import annotations\n{annotated}"));
        }
        texts.extend(random_edits::programs_from_env());
        let (mut stitched, mut edits) = (0, 0);
        for (i, text) in texts.iter().enumerate() {
            for &version in &versions {
                stitched += random_typing(text, version, steps, seed * 7919 + 3 + i as u64);
                edits += steps;
            }
        }
        // The texts get more broken as the edits go on (linked more often, or by errors that
        // span chunks): a tenth of the versions at least had errors and were stitched.
        println!("{stitched} of {edits} versions had syntax errors and were stitched");
        assert!(stitched * 10 > edits, "only {stitched} of {edits}");
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
