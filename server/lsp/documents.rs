//! Open documents: one immutable [`Document`] per version, shared as `Arc` snapshots between the
//! main loop (which applies edits) and the workers (which parse and analyse).
//!
//! Applying an edit ([`Document::apply_changes`]) is cheap and never parses: it updates the text
//! and line index and records the tree-sitter edits. The tree is parsed on first use, on a
//! worker, incrementally from the nearest earlier version's tree when one exists ([`Syntax`]).
//!
//! Memory: a document up to `keep_tree_limit` (4 MiB by default) keeps its tree while hot and a
//! cache of per-statement analyses; a bigger one keeps only its text, line index and analysis
//! (about 11 bytes per source byte), analysed piece by piece on each version.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Tree};

use crate::analysis::incremental::{self, ChunkCache, Edit, Spliced};
use crate::analysis::{self, Analysis, PythonVersion, TextRange};
use crate::config::{ProjectConfig, Settings};
use crate::ide::code_lens::Lenses;
use crate::ide::decorators::Outline;
use crate::ide::diagnostics::{Diagnostic, Findings, Step};
use crate::ide::semantic_tokens::SemanticToken;
use crate::ide::{self, FileView};
use crate::line_index::{Encoding, LineIndex};
use crate::lsp::convert;
use crate::syntax;

mod kept;
use kept::{Kept, Slot};

/// Counters of one server, shared by its documents (read by in-process tests).
#[derive(Debug, Default)]
pub struct Stats {
    /// How many analyses have been computed.
    pub analyses: AtomicU64,
    /// How many re-analyses copied the previous version's analysis first, because something
    /// else still held it (the re-analysis edits it in place when nothing does).
    pub copies: AtomicU64,
    /// How many edits copied the text first, because something else still held it (an edit
    /// changes it in place when nothing does).
    pub text_copies: AtomicU64,
    /// How many times a version's diagnostics have been found.
    pub diagnostics: AtomicU64,
    /// How many outlines were built whole (not from an earlier version's).
    pub whole_outlines: AtomicU64,
    /// How many times a version's capture lenses were found whole (not moved from an earlier
    /// version's).
    pub whole_lenses: AtomicU64,
    /// How many times a version's semantic tokens were found whole (not from an earlier
    /// version's).
    pub whole_tokens: AtomicU64,
    /// How many times a version's closure-bug findings were found whole (not from an earlier
    /// version's).
    pub whole_findings: AtomicU64,
}

/// One version of an open document. Immutable once shared: edits produce the next version.
#[derive(Clone)]
pub struct Document {
    /// The document's URI.
    pub uri: Uri,
    /// The client's version number (never decreases).
    pub version: i32,
    /// The full text (shared with the jobs that read it, see [`Document::detached`]; an edit
    /// copies it only while one does).
    pub text: Arc<String>,
    /// Line starts of `text`.
    pub line_index: LineIndex,
    /// The rules the analysis applies.
    pub python_version: PythonVersion,
    /// The `[tool.closure-lens]` table of the nearest `pyproject.toml`, read on open.
    pub project: Arc<ProjectConfig>,
    /// The syntax tree of `text`, parsed on first use.
    syntax: Arc<Syntax>,
    /// The analysis of this exact text, computed on first use.
    analyzed: Arc<OnceLock<Arc<Analysis>>>,
    /// This version's diagnostics, computed on first use.
    diagnostics: Arc<Mutex<Option<Found>>>,
    /// When this version is analysed from nothing (see [`Document::symbols`]): the first stage of
    /// its analysis, until the whole analysis is done.
    first_stage: Arc<FirstStage>,
    /// Whether no earlier analysis of this document exists to start from (a version opened, or
    /// re-targeted at another Python version, and not edited since).
    from_nothing: bool,
    /// Analyses of top-level statements and of the version analysed last, reused across
    /// versions of this document.
    chunks: Arc<Mutex<ChunkCache>>,
    /// The outline built last (for the decorator features), which the next version's is made
    /// from, and the changes since (see [`Document::outline`]).
    outline: Arc<Mutex<LastOutline>>,
    /// The capture lenses found last, which the next version's are made from; kept in step with
    /// the analysis once found (see [`Document::code_lenses`]).
    lenses: Slot<Arc<Lenses>>,
    /// The semantic tokens found last, which the next version's follow from; kept in step with
    /// the analysis once found (see [`Document::semantic_tokens`]).
    tokens: Slot<Arc<[SemanticToken]>>,
    /// The closure-bug findings made last (whatever the settings: they apply last), which the
    /// next version's follow from; kept in step with the analysis once made (see
    /// [`Document::diagnostics`]).
    findings: Slot<Arc<Findings>>,
    /// The body splices since the kept findings' version, which the next findings follow from.
    steps: Arc<Mutex<Steps>>,
    /// How many edits made this version (shared with the analysis cache, which knows which
    /// version it holds), and the edits between versions.
    generation: u64,
    edits: Arc<Mutex<EditLog>>,
    /// The newest version's generation (shared by the versions).
    newest: Arc<AtomicU64>,
    /// Whether the document was opened or edited lately (shared by its versions); only such
    /// documents keep their tree and warm their chunk cache.
    hot: Arc<AtomicBool>,
    /// Texts longer than this are analysed piece by piece, never holding their whole tree (a
    /// tree costs about 36 bytes per source byte) nor a chunk cache.
    keep_tree_limit: usize,
    stats: Arc<Stats>,
}

/// The warm-up of a document's chunk cache with one version's top-level statements
/// ([`Document::warm_up`]).
pub struct WarmUp {
    text: Arc<String>,
    syntax: Arc<Syntax>,
    python_version: PythonVersion,
    chunks: Arc<Mutex<ChunkCache>>,
}

impl WarmUp {
    /// Fills the chunk cache, unless it is filled or being filled, without holding it
    /// meanwhile: an edit that comes during the warm-up re-analyses its body at once instead
    /// of waiting for a whole analysis's worth of chunks.
    pub fn run(self) {
        if !lock(&self.chunks).start_warm_up() {
            return;
        }
        /// Hands the warm-up's chunks to the cache, even when the warm-up panicked.
        struct Handed<'a>(&'a Mutex<ChunkCache>, Option<incremental::Warmed>);
        impl Drop for Handed<'_> {
            fn drop(&mut self) {
                lock(self.0).take_warmed(self.1.take());
            }
        }
        let mut handed = Handed(&self.chunks, None);
        handed.1 = on_big_stack(|| {
            let tree = self.syntax.tree(&self.text);
            incremental::warm_up(&self.text, &tree, self.python_version)
        });
    }
}

/// The outline built last, and the changes since its version.
#[derive(Default)]
struct LastOutline {
    kept: Option<Kept<Arc<Outline>>>,
    /// The last version counted, and the changes from the outline's version to it as one edit,
    /// widened over where tree-sitter found the syntax changed (see [`Edit::widened`]).
    changes: Option<(u64, Edit)>,
}

/// A version's diagnostics, and the settings they were found under.
type Found = (Settings, Shown);

/// A version's diagnostics as shown (shared with the findings they come from).
pub type Shown = Arc<[Arc<Diagnostic>]>;

/// The body splices that lead from the version of the kept findings (`from`) to version `to`
/// (of `len` bytes), noted as each version is analysed.
#[derive(Default)]
struct Steps {
    from: u64,
    to: u64,
    len: usize,
    steps: Vec<Step>,
}

impl Steps {
    /// Past this many steps, the findings follow them at once (keeps the log short).
    const LIMIT: usize = 32;

    /// No steps yet from version `generation` (of `len` bytes).
    fn at(generation: u64, len: usize) -> Self {
        Steps {
            from: generation,
            to: generation,
            len,
            steps: Vec::new(),
        }
    }
}

/// The default for [`Document::keep_tree_limit`]: 4 MiB of text.
pub const DEFAULT_KEEP_TREE_LIMIT: usize = 4 << 20;

impl Document {
    /// A new document (nothing is parsed yet).
    pub fn new(uri: Uri, version: i32, text: String, python_version: PythonVersion) -> Self {
        let line_index = LineIndex::new(&text);
        Document {
            uri,
            version,
            text: Arc::new(text),
            syntax: Arc::default(),
            line_index,
            python_version,
            project: Arc::default(),
            analyzed: Arc::default(),
            diagnostics: Arc::default(),
            first_stage: Arc::default(),
            from_nothing: true,
            chunks: Arc::default(),
            outline: Arc::default(),
            lenses: Arc::default(),
            tokens: Arc::default(),
            findings: Arc::default(),
            steps: Arc::default(),
            generation: 0,
            edits: Arc::default(),
            hot: Arc::new(AtomicBool::new(true)),
            newest: Arc::default(),
            keep_tree_limit: DEFAULT_KEEP_TREE_LIMIT,
            stats: Arc::default(),
        }
    }

    /// The same document, counting its analyses in `stats` and keeping its tree only up to
    /// `keep_tree_limit` bytes of text.
    pub fn with_stats(self, stats: Arc<Stats>, keep_tree_limit: usize) -> Self {
        Document {
            stats,
            keep_tree_limit,
            ..self
        }
    }

    /// The analysis of this version, computed once (by whichever worker needs it first).
    pub fn analysis(&self) -> &Arc<Analysis> {
        self.analyzed.get_or_init(|| {
            self.stats.analyses.fetch_add(1, Ordering::Relaxed);
            on_big_stack(|| {
                if self.text.len() > self.keep_tree_limit {
                    // Never the whole tree of a big text: piece by piece, else whole but dropped.
                    let pieces = incremental::analyze_in_pieces(&self.text, self.python_version);
                    let analysis = Arc::new(pieces.unwrap_or_else(|| {
                        let tree = syntax::parse(&self.text);
                        analysis::analyze(&self.text, &tree, self.python_version)
                    }));
                    self.advance_lenses(&analysis, None);
                    self.advance_tokens(&analysis, None);
                    self.note_splice(&analysis, None);
                    return analysis;
                }
                let tree = self.syntax.tree(&self.text);
                self.count_outline_changes(&mut lock(&self.outline));
                let mut chunks = lock(&self.chunks);
                let copies = chunks.copies();
                let analysis = incremental::analyze_version(
                    &self.text,
                    &tree,
                    self.python_version,
                    self.generation,
                    &mut chunks,
                    |since| {
                        let edit = lock(&self.edits).between(since, self.generation)?;
                        Some((edit, self.syntax.changed_since(since)?))
                    },
                    || {
                        // The first stage may already be serving other requests.
                        let first = self.stages().then(|| {
                            self.first_stage
                                .get(|| analysis::symbols(&self.text, &tree, self.python_version))
                        });
                        match first.flatten() {
                            Some(first) => {
                                let mut whole = Analysis::clone(&first);
                                analysis::add_facts(&mut whole, &self.text, &tree);
                                whole
                            }
                            None => analysis::analyze(&self.text, &tree, self.python_version),
                        }
                    },
                );
                let copied = chunks.copies() - copies;
                let spliced = chunks.spliced(self.generation).map(|(f, s)| (f, s.clone()));
                drop(chunks);
                self.stats.copies.fetch_add(copied, Ordering::Relaxed);
                self.first_stage.forget();
                self.advance_lenses(&analysis, spliced.as_ref());
                self.advance_tokens(&analysis, spliced.as_ref());
                self.note_splice(&analysis, spliced.as_ref());
                if !self.is_hot() {
                    self.syntax.forget();
                }
                analysis
            })
        })
    }

    /// This version's outline (for the decorator features), built once: edited from the last
    /// one built when the versions since changed only some statements ([`Outline::edit`]), else
    /// whole. Each version analysed or parsed since counts its changes (its edit, and where
    /// tree-sitter found the syntax changed, known only while its tree is at hand), so that an
    /// editor asking for the outline only now and then gets it for the price of the edits, and
    /// one that never asks pays nothing per keystroke.
    pub fn outline(&self) -> Arc<Outline> {
        let mut last = lock(&self.outline);
        if let Some(outline) = kept::current(&last.kept, self.generation) {
            return outline;
        }
        let tree = self.syntax.tree(&self.text);
        self.count_outline_changes(&mut last);
        let outline = self.outline_from(&mut last, &tree).unwrap_or_else(|| {
            self.stats.whole_outlines.fetch_add(1, Ordering::Relaxed);
            Arc::new(Outline::new(&self.text, &tree))
        });
        // An older version (a late request) leaves the newer changes in place.
        let counted = last.changes.map_or(0, |(upto, _)| upto);
        if counted <= self.generation {
            kept::keep(&mut last.kept, self.kept(Arc::clone(&outline)));
            last.changes = None;
        }
        outline
    }

    /// Counts this version's changes since the last version counted (or the outline's own
    /// version) when its tree was parsed from that version's; else forgets the outline (the
    /// next [`Self::outline`] builds it whole). Needs this version's tree parsed.
    fn count_outline_changes(&self, last: &mut LastOutline) {
        let Some(kept) = &last.kept else {
            return;
        };
        let counted = last.changes.map_or(kept.generation, |(upto, _)| upto);
        if counted >= self.generation {
            return;
        }
        let step = self.syntax.changed_since(counted).and_then(|changed| {
            let edit = lock(&self.edits).covering(counted, self.generation)?;
            Some(edit.widened(&changed))
        });
        *last = match step {
            Some(step) => LastOutline {
                kept: last.kept.take(),
                changes: Some((
                    self.generation,
                    last.changes.map_or(step, |(_, before)| before.then(step)),
                )),
            },
            None => LastOutline::default(),
        };
    }

    /// This version's outline from the last one built, an earlier version's, when the changes
    /// counted since reach this version (parsed into `tree`) and touched only some statements.
    fn outline_from(&self, last: &mut LastOutline, tree: &Tree) -> Option<Arc<Outline>> {
        if tree.root_node().has_error() {
            return None;
        }
        let (upto, edit) = last.changes.filter(|(upto, _)| *upto == self.generation)?;
        let earlier = kept::take_earlier(&mut last.kept, upto)
            .filter(|earlier| earlier.leads_to(&edit, self.text.len()))?;
        let mut outline = earlier.into_owned();
        outline
            .edit(&self.text, tree, edit, &[])
            .then(|| Arc::new(outline))
    }

    /// This version's capture lenses under `settings` (see [`Lenses`]), found once: moved from
    /// an earlier version's when a body splice made this version's analysis from that version's
    /// ([`Lenses::advance`]), else whole. Once found, each analysed version's lenses follow from
    /// the version analysed before, so that an editor asking only now and then still gets them for
    /// the price of the edit. Read from [`Self::symbols`]: a document just opened gets them
    /// before its flow facts (which no lens reads).
    pub fn code_lenses(&self, settings: &Settings) -> Arc<Lenses> {
        // First the analysis, which brings the kept lenses up to this version.
        let analysis = self.symbols();
        let kept = kept::current(&lock(&self.lenses), self.generation);
        if let Some(lenses) = kept.filter(|lenses| lenses.fits(settings)) {
            return lenses;
        }
        let lenses = Arc::new(Lenses::new(&self.view(&analysis), settings));
        self.stats.whole_lenses.fetch_add(1, Ordering::Relaxed);
        kept::keep(&mut lock(&self.lenses), self.kept(Arc::clone(&lenses)));
        lenses
    }

    /// Brings the last lenses, if any, up to this version (analysed as `analysis`) when a body
    /// splice (`spliced`: the version it started from, and what it changed) made it from theirs;
    /// else forgets them (the next [`Self::code_lenses`] finds them whole).
    fn advance_lenses(&self, analysis: &Analysis, spliced: Option<&(u64, Spliced)>) {
        let mut last = lock(&self.lenses);
        let Some(earlier) = kept::take_earlier(&mut last, self.generation) else {
            return;
        };
        let Some(spliced) = earlier.spliced_into(spliced, self.text.len()) else {
            return;
        };
        let mut lenses = earlier.into_owned();
        lenses.advance(&self.view(analysis), spliced);
        *last = Some(self.kept(Arc::new(lenses)));
    }

    /// This version's semantic tokens (the file's, [`ide::semantic_tokens::semantic_tokens`]),
    /// found once: from the previous version's when its analysis was spliced from that version's
    /// ([`ide::semantic_tokens::spliced_tokens`]), else whole. Once found, each analysed
    /// version's tokens follow from the version analysed before, so that an editor asking for
    /// them only now and then still gets them for the price of the edit.
    pub fn semantic_tokens(&self) -> Arc<[SemanticToken]> {
        // The analysis first: advancing the tokens with it takes the lock below.
        let analysis = self.symbols();
        let mut last = lock(&self.tokens);
        if let Some(tokens) = kept::current(&last, self.generation) {
            return tokens;
        }
        let tokens: Arc<[SemanticToken]> =
            ide::semantic_tokens::semantic_tokens(&self.view(&analysis), None).into();
        self.stats.whole_tokens.fetch_add(1, Ordering::Relaxed);
        kept::keep(&mut last, self.kept(Arc::clone(&tokens)));
        tokens
    }

    /// Brings the last tokens, if any, up to this version (analysed as `analysis`) when its
    /// analysis was spliced (`spliced`: from which version, what changed) from theirs; else
    /// forgets them (the next [`Self::semantic_tokens`] finds them whole).
    fn advance_tokens(&self, analysis: &Analysis, spliced: Option<&(u64, Spliced)>) {
        let mut last = lock(&self.tokens);
        let Some(earlier) = kept::take_earlier(&mut last, self.generation) else {
            return;
        };
        *last = earlier
            .spliced_into(spliced, self.text.len())
            .map(|spliced| {
                let view = self.view(analysis);
                let tokens = ide::semantic_tokens::spliced_tokens(&view, &earlier.value, spliced);
                self.kept(tokens.into())
            });
    }

    /// `value`, as this version's result, to keep for the next version's.
    fn kept<T>(&self, value: T) -> Kept<T> {
        Kept {
            generation: self.generation,
            len: self.text.len(),
            value,
        }
    }

    /// This version's text seen through `analysis`, for the features.
    fn view<'a>(&'a self, analysis: &'a Analysis) -> FileView<'a> {
        FileView {
            text: &self.text,
            lines: &self.line_index,
            analysis,
        }
    }

    /// This version's diagnostics under `settings`, found once (by whichever worker needs them
    /// first) and shared: pushed and pulled diagnostics, quick fixes and bug hovers all read
    /// them. Found again only for other settings, from this version's findings
    /// ([`Self::findings`]), whose diagnostics they share.
    pub fn diagnostics(&self, settings: &Settings) -> Shown {
        let mut cached = lock(&self.diagnostics);
        if let Some((_, found)) = cached.as_ref().filter(|(seen, _)| seen == settings) {
            return Arc::clone(found);
        }
        let findings = self.findings();
        let found: Shown = findings
            .diagnostics(&self.view(self.analysis()), settings)
            .into();
        self.stats.diagnostics.fetch_add(1, Ordering::Relaxed);
        *cached = Some((settings.clone(), Arc::clone(&found)));
        found
    }

    /// This version's closure-bug findings, made once: from an earlier version's when body
    /// splices made this version's analysis from that version's ([`Findings::advance`], along
    /// the splices noted since, see [`Self::note_splice`]), else whole.
    fn findings(&self) -> Arc<Findings> {
        // The analysis first: it notes the splice that made it.
        let analysis = self.analysis();
        let mut last = lock(&self.findings);
        if let Some(findings) = kept::current(&last, self.generation) {
            return findings;
        }
        let mut steps = lock(&self.steps);
        let advanced = kept::take_earlier(&mut last, self.generation)
            .filter(|earlier| steps.from == earlier.generation && steps.to == self.generation)
            .and_then(|earlier| {
                earlier
                    .into_owned()
                    .advance(&self.view(analysis), &steps.steps)
            });
        let findings = Arc::new(advanced.unwrap_or_else(|| {
            self.stats.whole_findings.fetch_add(1, Ordering::Relaxed);
            Findings::new(&self.view(analysis))
        }));
        if last
            .as_ref()
            .is_none_or(|held| held.generation <= self.generation)
        {
            *steps = Steps::at(self.generation, self.text.len());
        }
        kept::keep(&mut last, self.kept(Arc::clone(&findings)));
        findings
    }

    /// Notes the body splice (`spliced`: from which version, what changed) that made this
    /// version's analysis (`analysis`), for the kept findings to follow when next asked for
    /// ([`Self::findings`]): costs the splice, not the file, and nothing when no findings are
    /// kept. When this version was not spliced from the last one noted, the kept findings are
    /// forgotten (the next are made whole).
    fn note_splice(&self, analysis: &Analysis, spliced: Option<&(u64, Spliced)>) {
        let mut last = lock(&self.findings);
        let Some(kept) = last.as_ref() else {
            return;
        };
        let mut steps = lock(&self.steps);
        if steps.from != kept.generation {
            *steps = Steps::at(kept.generation, kept.len);
        }
        if steps.to >= self.generation {
            return;
        }
        let next = spliced.filter(|(from, spliced)| {
            *from == steps.to && steps.len as i64 + spliced.edit.delta() == self.text.len() as i64
        });
        let Some((_, spliced)) = next else {
            *last = None;
            *steps = Steps::default();
            return;
        };
        let file = self.view(analysis);
        steps.steps.push(Step::new(&file, spliced));
        steps.to = self.generation;
        steps.len = self.text.len();
        if steps.steps.len() >= Steps::LIMIT {
            // Followed at once: the log stays short.
            let Some(earlier) = kept::take_earlier(&mut last, self.generation) else {
                return;
            };
            *last = earlier
                .into_owned()
                .advance(&file, &steps.steps)
                .map(|findings| self.kept(Arc::new(findings)));
            *steps = Steps::at(self.generation, self.text.len());
        }
    }

    /// This version's analysis for the features that read no flow facts (`facts` may be empty):
    /// when the version is analysed from nothing (a document just opened), the first stage of
    /// its analysis, which answers them without waiting for the facts; else [`Self::analysis`].
    pub fn symbols(&self) -> Arc<Analysis> {
        if let Some(analysis) = self.analyzed.get() {
            return Arc::clone(analysis);
        }
        if !self.stages() {
            return Arc::clone(self.analysis());
        }
        let first = on_big_stack(|| {
            self.first_stage.get(|| {
                let tree = self.syntax.tree(&self.text);
                analysis::symbols(&self.text, &tree, self.python_version)
            })
        });
        // Forgotten: the whole analysis is done or about to be.
        first.unwrap_or_else(|| Arc::clone(self.analysis()))
    }

    /// Whether this version will be analysed in two stages and none is done or under way
    /// (never blocks: the main loop asks).
    pub fn awaits_first_stage(&self) -> bool {
        self.stages()
            && !self.is_analysed()
            && self
                .first_stage
                .state
                .try_lock()
                .is_ok_and(|state| matches!(*state, FirstStageState::NotYet))
    }

    /// Whether this version's analysis runs in two stages (see [`Self::symbols`]).
    fn stages(&self) -> bool {
        self.from_nothing && self.text.len() <= self.keep_tree_limit
    }

    /// Whether this version's analysis is done.
    pub fn is_analysed(&self) -> bool {
        self.analyzed.get().is_some()
    }

    /// Whether an edit made a newer version of the document.
    pub fn is_superseded(&self) -> bool {
        self.newest.load(Ordering::Acquire) > self.generation
    }

    /// Whether the chunk cache is empty, and no warm-up under way, while the analysis is done:
    /// then a warm-up ([`Self::warm_up`]) prepares the next edit's re-analysis.
    /// Never blocks (the main loop asks): a cache in use by a worker is not empty.
    pub fn wants_warm(&self) -> bool {
        self.analyzed.get().is_some()
            && self.is_hot()
            && self.text.len() <= self.keep_tree_limit
            && self
                .chunks
                .try_lock()
                .is_ok_and(|cache| cache.wants_warm_up())
    }

    /// Fills the chunk cache with this version's top-level statements, now.
    pub fn warm(&self) {
        self.warm_up().run();
    }

    /// The warm-up of the chunk cache with this version's top-level statements, to run in the
    /// background ([`WarmUp::run`]). It holds this version's text and tree, not the version:
    /// the next edit edits this version's analysis in place, which it could not while
    /// something else held it.
    pub fn warm_up(&self) -> WarmUp {
        WarmUp {
            text: Arc::clone(&self.text),
            syntax: Arc::clone(&self.syntax),
            python_version: self.python_version,
            chunks: Arc::clone(&self.chunks),
        }
    }

    /// How many of this document's analyses re-analysed one function body (for tests and
    /// benchmarks).
    pub fn body_splices(&self) -> u64 {
        lock(&self.chunks).body_splices()
    }

    /// The syntax tree (parsed now if needed).
    pub fn tree(&self) -> Tree {
        let tree = self.syntax.tree(&self.text);
        self.count_outline_changes(&mut lock(&self.outline));
        tree
    }

    /// Whether the tree is parsed and kept.
    pub fn has_tree(&self) -> bool {
        self.syntax.has_tree()
    }

    /// Whether the document was opened or edited lately.
    pub fn is_hot(&self) -> bool {
        self.hot.load(Ordering::Relaxed)
    }

    /// Marks the document as opened or edited lately.
    pub fn go_hot(&self) {
        self.hot.store(true, Ordering::Relaxed);
    }

    /// Drops the tree and the chunk cache (for documents not edited lately), and keeps them
    /// dropped until [`Self::go_hot`]; never blocks.
    pub fn go_cold(&self) {
        self.hot.store(false, Ordering::Relaxed);
        self.syntax.forget();
        if let Ok(mut chunks) = self.chunks.try_lock() {
            *chunks = ChunkCache::default();
        }
        if let Ok(mut outline) = self.outline.try_lock() {
            *outline = LastOutline::default();
        }
        if let Ok(mut lenses) = self.lenses.try_lock() {
            *lenses = None;
        }
        if let Ok(mut tokens) = self.tokens.try_lock() {
            *tokens = None;
        }
        if let Ok(mut findings) = self.findings.try_lock() {
            *findings = None;
        }
        if let Ok(mut steps) = self.steps.try_lock() {
            *steps = Steps::default();
        }
    }

    /// The same text analysed with `version`'s rules (the analysis is recomputed on use).
    pub fn with_python_version(&self, version: PythonVersion) -> Self {
        Document {
            python_version: version,
            from_nothing: true,
            // Lenses, tokens and findings depend on the version's rules.
            lenses: Arc::default(),
            tokens: Arc::default(),
            findings: Arc::default(),
            steps: Arc::default(),
            ..self.detached()
        }
    }

    /// A copy of this version that holds none of this version's own results (its analysis,
    /// first stage, diagnostics; what is kept across versions stays shared): for background
    /// work that reads only the text, the tree or the outline, and may outlive the version.
    /// While it runs, the next keystroke still finds the version's analysis unshared and edits
    /// it in place instead of copying it.
    pub fn detached(&self) -> Self {
        Document {
            analyzed: Arc::default(),
            diagnostics: Arc::default(),
            first_stage: Arc::default(),
            ..self.clone()
        }
    }

    /// Takes out what this version computed about its text before the document is edited in
    /// place: its analysis, when no other copy of this version holds it (for the caller to let go
    /// of, see `Server::release_shared`), and the rest, for the caller to free off the main
    /// loop (freeing a large analysis takes long).
    pub fn take_results(&mut self) -> (Option<Arc<Analysis>>, impl Send + 'static) {
        let analysis = Arc::try_unwrap(std::mem::take(&mut self.analyzed))
            .ok()
            .and_then(OnceLock::into_inner);
        let rest = (
            std::mem::take(&mut self.first_stage),
            std::mem::take(&mut self.diagnostics),
        );
        (analysis, rest)
    }

    /// Applies one `didChange` notification: each change to the text, in order. `encoding` is
    /// the negotiated position encoding. Cheap: the tree is reparsed later, on first use.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) {
        let mut edits = Some(Vec::new());
        let generation = self.generation + 1;
        if Arc::strong_count(&self.text) > 1 {
            self.stats.text_copies.fetch_add(1, Ordering::Relaxed);
        }
        let mut log = lock(&self.edits);
        for change in changes {
            match change.range {
                None => {
                    Arc::make_mut(&mut self.text).clone_from(&change.text);
                    self.line_index = LineIndex::new(&self.text);
                    edits = None;
                    log.push(generation, None);
                }
                Some(range) => {
                    let mut start = convert::offset(&self.line_index, range.start, encoding);
                    let mut end = convert::offset(&self.line_index, range.end, encoding);
                    if end < start {
                        std::mem::swap(&mut start, &mut end);
                    }
                    let start_position = self.line_index.ts_point(&self.text, start);
                    let old_end_position = self.line_index.ts_point(&self.text, end);
                    Arc::make_mut(&mut self.text).replace_range(start..end, &change.text);
                    let new_end = start + change.text.len();
                    self.line_index.edit(&self.text, start, end, new_end);
                    log.push(
                        generation,
                        Some(Edit {
                            start,
                            old_end: end,
                            new_end,
                        }),
                    );
                    if let Some(edits) = edits.as_mut() {
                        edits.push(InputEdit {
                            start_byte: start,
                            old_end_byte: end,
                            new_end_byte: new_end,
                            start_position,
                            old_end_position,
                            new_end_position: self.line_index.ts_point(&self.text, new_end),
                        });
                    }
                }
            }
        }
        self.syntax = match edits {
            Some(edits) => Syntax::successor(&self.syntax, edits, generation),
            None => Arc::new(Syntax {
                generation,
                ..Syntax::default()
            }),
        };
        drop(log);
        self.generation = generation;
        self.newest.fetch_max(generation, Ordering::Release);
        self.version = self.version.max(version);
        self.analyzed = Arc::default();
        self.diagnostics = Arc::default();
        self.first_stage = Arc::default();
        self.from_nothing = false;
    }
}

/// The first stage of a version's analysis ([`analysis::symbols`]), computed once, dropped once
/// the whole analysis exists (the requests that got it keep their `Arc`).
#[derive(Default)]
struct FirstStage {
    state: Mutex<FirstStageState>,
}

#[derive(Default)]
enum FirstStageState {
    #[default]
    NotYet,
    Done(Arc<Analysis>),
    Forgotten,
}

impl FirstStage {
    /// The first stage, computed with `compute` unless done (callers wait for one another);
    /// `None` once the whole analysis replaced it.
    fn get(&self, compute: impl FnOnce() -> Analysis) -> Option<Arc<Analysis>> {
        let mut state = lock(&self.state);
        match &*state {
            FirstStageState::Done(analysis) => Some(Arc::clone(analysis)),
            FirstStageState::Forgotten => None,
            FirstStageState::NotYet => {
                let analysis = Arc::new(compute());
                *state = FirstStageState::Done(Arc::clone(&analysis));
                Some(analysis)
            }
        }
    }

    fn forget(&self) {
        *lock(&self.state) = FirstStageState::Forgotten;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves a cache, never a half-written document:
    // the data is still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The syntax tree of one version: parsed on first use, incrementally from an earlier version's
/// tree when one is at hand ([`Origin`]).
#[derive(Default)]
struct Syntax {
    /// The document version this is (see [`Document::generation`]).
    generation: u64,
    state: Mutex<SyntaxState>,
}

#[derive(Default)]
struct SyntaxState {
    tree: Option<Tree>,
    origin: Option<Origin>,
    /// For a tree parsed incrementally: the version it was parsed from, and where the syntax
    /// differs from that version's (tree-sitter's changed ranges).
    changed: Option<(u64, Vec<TextRange>)>,
}

/// An earlier version and the edits that lead from its text to this one.
#[derive(Clone)]
struct Origin {
    base: Arc<Syntax>,
    edits: Vec<InputEdit>,
}

impl Syntax {
    /// The syntax of the version after `edits` (for the main loop: never blocks, never parses).
    fn successor(this: &Arc<Syntax>, edits: Vec<InputEdit>, generation: u64) -> Arc<Syntax> {
        let origin = match this.state.try_lock() {
            Ok(state) if state.tree.is_none() => state.origin.clone().map(|mut o| {
                o.edits.extend(edits);
                o
            }),
            // Parsed, or being parsed by a worker right now.
            _ => Some(Origin {
                base: Arc::clone(this),
                edits,
            }),
        };
        Arc::new(Syntax {
            generation,
            state: Mutex::new(SyntaxState {
                tree: None,
                origin,
                changed: None,
            }),
        })
    }

    fn tree(&self, text: &str) -> Tree {
        let mut state = lock(&self.state);
        if let Some(tree) = &state.tree {
            return tree.clone();
        }
        let old = state.origin.take().and_then(Origin::edited_tree);
        let tree = syntax::parse_with(
            &mut syntax::python_parser(),
            text,
            old.as_ref().map(|(old, _)| old),
        );
        state.changed = old.map(|(old, base)| {
            let ranges = old.changed_ranges(&tree);
            (
                base,
                ranges
                    .map(|r| TextRange::new(r.start_byte, r.end_byte))
                    .collect(),
            )
        });
        state.tree = Some(tree.clone());
        tree
    }

    /// Where the syntax differs from version `generation`'s, if this tree was parsed from it.
    fn changed_since(&self, generation: u64) -> Option<Vec<TextRange>> {
        let state = lock(&self.state);
        let (base, ranges) = state.changed.as_ref()?;
        (*base == generation).then(|| ranges.clone())
    }

    fn has_tree(&self) -> bool {
        self.state.try_lock().is_ok_and(|s| s.tree.is_some())
    }

    fn forget(&self) {
        if let Ok(mut state) = self.state.try_lock() {
            state.tree = None;
            state.origin = None;
        }
    }
}

impl Origin {
    /// The nearest earlier tree with every edit since applied, and its version, if an earlier
    /// tree exists.
    fn edited_tree(self) -> Option<(Tree, u64)> {
        let mut pending = vec![self.edits];
        let mut base = self.base;
        loop {
            let next = {
                let state = lock(&base.state);
                if let Some(tree) = &state.tree {
                    let mut tree = tree.clone();
                    for edit in pending.iter().rev().flatten() {
                        tree.edit(edit);
                    }
                    return Some((tree, base.generation));
                }
                state.origin.clone()?
            };
            pending.push(next.edits);
            base = next.base;
        }
    }
}

/// Stack for analyses: the engine recurses along the syntax tree (bounded depth), and
/// unoptimised builds use large frames. Only the touched part of the reservation is committed.
pub const ANALYSIS_STACK: usize = 256 << 20;

thread_local! {
    static BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the current thread as having [`ANALYSIS_STACK`] (the server's workers do).
pub fn mark_big_stack() {
    BIG_STACK.with(|b| b.set(true));
}

/// The edits that made each version of a document from the one before, for the versions the
/// analysis cache may still start from.
#[derive(Default)]
struct EditLog {
    /// (the version an edit made, the edit; `None` for a whole new text), in order.
    entries: Vec<(u64, Option<Edit>)>,
    /// Edits that made versions up to this one are forgotten.
    forgotten: u64,
}

impl EditLog {
    /// Past this many edits without an analysis, the log is dropped (the next analysis then
    /// starts afresh).
    const LIMIT: usize = 4096;

    fn push(&mut self, generation: u64, edit: Option<Edit>) {
        if self.entries.len() >= Self::LIMIT {
            self.entries.clear();
            self.forgotten = generation;
        }
        if generation > self.forgotten {
            self.entries.push((generation, edit));
        }
    }

    /// The one change covering every edit from version `from` to version `to`, and forgets the
    /// edits up to `from` (the cache never goes back to an older version).
    fn between(&mut self, from: u64, to: u64) -> Option<Edit> {
        let covering = self.covering(from, to);
        if from >= self.forgotten {
            self.entries.retain(|e| e.0 > from);
            self.forgotten = from;
        }
        covering
    }

    /// The one change covering every edit from version `from` to version `to`, if the log
    /// still holds them all and none replaced the whole text.
    fn covering(&self, from: u64, to: u64) -> Option<Edit> {
        if from < self.forgotten {
            return None;
        }
        let mut covering: Option<Edit> = None;
        let mut seen = from;
        for &(generation, edit) in &self.entries {
            if generation <= from || generation > to {
                continue;
            }
            seen = generation;
            let edit = edit?;
            covering = Some(covering.map_or(edit, |c| c.then(edit)));
        }
        covering.filter(|_| seen == to)
    }
}

/// Runs `f` on a thread with a large stack unless this thread has one; a panic there is re-raised
/// here (so the caller's `catch_unwind` reports it) rather than aborting the process.
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if BIG_STACK.with(std::cell::Cell::get) {
        return f();
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("closure-lens-analysis".into())
            .stack_size(ANALYSIS_STACK)
            .spawn_scoped(scope, f);
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
            Err(err) => panic!("cannot start the analysis thread: {err}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ls_types::{Position, Range};

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn a_first_analysis_serves_its_first_stage_before_the_facts() {
        let text = "def f(xs):\n    fs = []\n    for x in xs:\n        fs.append(lambda: x)\n    return fs\n";
        let uri: Uri = "file:///t.py".parse().unwrap();
        let doc = Document::new(uri, 1, text.into(), PythonVersion::Py314);
        let whole = analysis::analyze(text, &syntax::parse(text), PythonVersion::Py314);
        assert!(!whole.facts.loop_closures.is_empty());
        // Before the whole analysis: the first stage, everything but the facts.
        let first = doc.symbols();
        assert!(!doc.is_analysed());
        assert_eq!(first.facts, analysis::Facts::default());
        let mut without_facts = whole.clone();
        without_facts.facts = analysis::Facts::default();
        assert_eq!(*first, without_facts);
        // The whole analysis completes it, and then serves both.
        assert_eq!(**doc.analysis(), whole);
        assert!(Arc::ptr_eq(&doc.symbols(), doc.analysis()));
        // An edited version starts from the previous analysis: one stage.
        let mut edited = doc.clone();
        edited.apply_changes(2, &[change(0, 6, 0, 8, "ys")], Encoding::Utf8);
        assert!(edited.text.starts_with("def f(ys)"));
        assert!(Arc::ptr_eq(&edited.symbols(), edited.analysis()));
    }

    #[test]
    fn the_first_edit_after_the_warm_up_reanalyses_one_body() {
        // The warm-up after the first analysis fills the chunk cache; the first edit must still
        // start from that analysis and re-analyse the edited body only.
        let text = "import os\n\n\ndef f(xs):\n    total = 0\n    return [lambda: total for _ in xs]\n\n\ndef g():\n    pass\n";
        let uri: Uri = "file:///t.py".parse().unwrap();
        let mut doc = Document::new(uri, 1, text.into(), PythonVersion::Py314);
        doc.analysis();
        assert!(doc.wants_warm());
        doc.warm();
        doc.apply_changes(2, &[change(4, 12, 4, 12, "1")], Encoding::Utf8);
        assert!(doc.text.contains("    total = 10\n"));
        let fresh = analysis::analyze(&doc.text, &syntax::parse(&doc.text), PythonVersion::Py314);
        assert_eq!(**doc.analysis(), fresh);
        assert_eq!(doc.body_splices(), 1);
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let uri: Uri = "file:///t.py".parse().unwrap();
        let mut doc = Document::new(
            uri,
            1,
            "def f():\r\n    x = 1\rreturn x\n".into(),
            PythonVersion::Py314,
        );
        doc.tree();
        doc.apply_changes(
            2,
            &[change(1, 4, 1, 5, "é😀"), change(2, 0, 2, 0, "  ")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), "def f():\r\n    é😀 = 1\r  return x\n");
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            syntax::parse(&doc.text).root_node().to_sexp()
        );
        // A cold document (no tree) accepts edits too.
        let cold = doc.clone();
        cold.go_cold();
        assert!(!cold.has_tree());
        let mut cold = cold;
        cold.apply_changes(3, &[change(0, 0, 0, 0, "#\n")], Encoding::Utf16);
        assert!(cold.text.starts_with("#\ndef f"));
        assert_eq!(
            cold.tree().root_node().to_sexp(),
            syntax::parse(&cold.text).root_node().to_sexp()
        );
        // Out of range and reversed ranges clamp instead of panicking.
        doc.apply_changes(3, &[change(99, 0, 0, 3, "")], Encoding::Utf8);
        assert_eq!(doc.text.as_str(), "def");
        doc.apply_changes(
            4,
            &[TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "x = 1\n".into(),
            }],
            Encoding::Utf8,
        );
        assert_eq!(doc.text.as_str(), "x = 1\n");
        assert_eq!(doc.version, 4);
        doc.apply_changes(2, &[], Encoding::Utf8);
        assert_eq!(doc.version, 4);
    }
}
