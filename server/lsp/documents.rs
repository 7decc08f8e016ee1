//! Open documents: text, tree, line index and the analysis of one version, shared as `Arc` snapshots.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Tree};

use crate::analysis::incremental::{self, ChunkCache};
use crate::analysis::{self, Analysis, PythonVersion};
use crate::config::ProjectConfig;
use crate::line_index::{Encoding, LineIndex};
use crate::lsp::convert;
use crate::syntax;

/// One version of an open document. Immutable once shared: edits produce the next version.
///
/// Only recently edited documents keep their syntax tree (about 40 bytes per source byte, the bulk
/// of the server's memory); for the others it is dropped once they go cold and rebuilt on demand.
#[derive(Clone)]
pub struct Document {
    /// The document's URI.
    pub uri: Uri,
    /// The client's version number (never decreases).
    pub version: i32,
    /// The full text.
    pub text: String,
    /// The syntax tree of `text`, while the document is hot.
    tree: Option<Tree>,
    /// Line starts of `text`.
    pub line_index: LineIndex,
    /// The rules the analysis applies.
    pub python_version: PythonVersion,
    /// The `[tool.closure-lens]` table of the nearest `pyproject.toml`, read on open.
    pub project: Arc<ProjectConfig>,
    /// The analysis of this exact text, computed on first use; shared by the hot and cold copies.
    analyzed: Arc<OnceLock<Arc<Analysis>>>,
    /// Analyses of top-level statements, reused across versions of this document.
    chunks: Arc<Mutex<ChunkCache>>,
}

/// How many analyses this process has run (reported by `closureLens/debugText`, for tests).
pub static ANALYSES: AtomicU64 = AtomicU64::new(0);

/// Serialises analyses that need a temporary tree, so cold documents never hold many at once.
static REPARSE: Mutex<()> = Mutex::new(());

impl Document {
    /// Parses `text` from scratch.
    pub fn new(uri: Uri, version: i32, text: String, python_version: PythonVersion) -> Self {
        let tree = syntax::parse(&text);
        let line_index = LineIndex::new(&text);
        Document {
            uri,
            version,
            text,
            tree: Some(tree),
            line_index,
            python_version,
            project: Arc::default(),
            analyzed: Arc::default(),
            chunks: Arc::default(),
        }
    }

    /// The analysis of this version, computed once (by whichever request or task needs it first).
    pub fn analysis(&self) -> &Arc<Analysis> {
        self.analyzed.get_or_init(|| match &self.tree {
            Some(tree) => analyze(&self.text, tree, self.python_version, Some(&self.chunks)),
            None => {
                let _one_at_a_time = REPARSE.lock().unwrap_or_else(|p| p.into_inner());
                let tree = syntax::parse(&self.text);
                analyze(&self.text, &tree, self.python_version, None)
            }
        })
    }

    /// Whether the analysis has already been computed.
    pub fn is_analyzed(&self) -> bool {
        self.analyzed.get().is_some()
    }

    /// Whether the document still holds its syntax tree.
    pub fn has_tree(&self) -> bool {
        self.tree.is_some()
    }

    /// The syntax tree: the kept one, or a fresh parse for a cold document.
    pub fn tree(&self) -> Tree {
        self.tree
            .clone()
            .unwrap_or_else(|| syntax::parse(&self.text))
    }

    /// The same version without its tree and chunk cache (sharing the analysis, computed or not).
    pub fn without_tree(&self) -> Self {
        Document {
            tree: None,
            chunks: Arc::default(),
            ..self.clone()
        }
    }

    /// The same text analysed with `version`'s rules (the analysis is recomputed on use).
    pub fn with_python_version(&self, version: PythonVersion) -> Self {
        Document {
            python_version: version,
            analyzed: Arc::default(),
            ..self.clone()
        }
    }

    /// Applies one `didChange` notification: each change to the text and to the tree, then one
    /// incremental reparse. `encoding` is the negotiated position encoding.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) {
        // A cold document has no tree to edit: parse it afresh.
        let mut full_reparse = self.tree.is_none();
        for change in changes {
            match change.range {
                None => {
                    self.text.clone_from(&change.text);
                    self.line_index = LineIndex::new(&self.text);
                    full_reparse = true;
                }
                Some(range) => {
                    let mut start = convert::offset(&self.line_index, range.start, encoding);
                    let mut end = convert::offset(&self.line_index, range.end, encoding);
                    if end < start {
                        std::mem::swap(&mut start, &mut end);
                    }
                    let start_position = self.line_index.ts_point(&self.text, start);
                    let old_end_position = self.line_index.ts_point(&self.text, end);
                    self.text.replace_range(start..end, &change.text);
                    self.line_index = LineIndex::new(&self.text);
                    let new_end = start + change.text.len();
                    if let (false, Some(tree)) = (full_reparse, self.tree.as_mut()) {
                        tree.edit(&InputEdit {
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
        let old = self.tree.as_ref().filter(|_| !full_reparse);
        let tree = syntax::parse_with(&mut syntax::python_parser(), &self.text, old);
        self.tree = Some(tree);
        self.version = self.version.max(version);
        self.analyzed = Arc::default();
    }

    /// Rebuilds the tree and index from the text (after a failed incremental update).
    pub fn reparse_from_scratch(&mut self) {
        self.tree = Some(syntax::parse(&self.text));
        self.line_index = LineIndex::new(&self.text);
        self.analyzed = Arc::default();
    }
}

/// Stack for the analysis thread: the engine recurses along the syntax tree (bounded depth), and
/// unoptimised builds use large frames. Only the touched part of the reservation is committed.
const ANALYSIS_STACK: usize = 256 << 20;

/// The analysis of `text`: stitched from the document's cached top-level statements when it has
/// them, else one whole-file pass (after which the cache is filled in the background).
fn analyze(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    chunks: Option<&Arc<Mutex<ChunkCache>>>,
) -> Arc<Analysis> {
    ANALYSES.fetch_add(1, Ordering::Relaxed);
    on_big_stack(|| {
        let mut warm_later = None;
        let stitched = chunks.and_then(|chunks_arc| {
            let mut cache = chunks_arc.lock().unwrap_or_else(|p| p.into_inner());
            if cache.is_empty() {
                // First analysis of this document: one whole-file pass answers sooner; the chunk
                // cache is filled in the background afterwards, for the edits to come.
                warm_later = Some(Arc::clone(chunks_arc));
                return None;
            }
            incremental::analyze(text, tree, version, &mut cache)
        });
        let analysis = stitched.unwrap_or_else(|| Arc::new(analysis::analyze(text, tree, version)));
        if let Some(cache) = warm_later {
            warm_in_background(text, tree, version, cache);
        }
        analysis
    })
}

/// Fills `cache` with the chunks of this version on a background thread (skipped if an edit's
/// analysis gets there first).
fn warm_in_background(
    text: &str,
    tree: &Tree,
    version: PythonVersion,
    cache: Arc<Mutex<ChunkCache>>,
) {
    let (text, tree) = (text.to_owned(), tree.clone());
    let spawned = std::thread::Builder::new()
        .name("closure-lens-warm".into())
        .stack_size(ANALYSIS_STACK)
        .spawn(move || {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
                incremental::warm(&text, &tree, version, &mut cache);
            }));
        });
    drop(spawned);
}

/// Runs `f` on a thread with a large stack; a panic there is re-raised here (so the caller's
/// `catch_unwind` reports it) rather than aborting the process.
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
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
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        }
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
        doc.apply_changes(
            2,
            &[change(1, 4, 1, 5, "é😀"), change(2, 0, 2, 0, "  ")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "def f():\r\n    é😀 = 1\r  return x\n");
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            syntax::parse(&doc.text).root_node().to_sexp()
        );
        // A cold document (no tree) accepts edits too.
        let mut cold = doc.without_tree();
        cold.apply_changes(3, &[change(0, 0, 0, 0, "#\n")], Encoding::Utf16);
        assert!(cold.has_tree() && cold.text.starts_with("#\ndef f"));
        // Out of range and reversed ranges clamp instead of panicking.
        doc.apply_changes(3, &[change(99, 0, 0, 3, "")], Encoding::Utf8);
        assert_eq!(doc.text, "def");
        doc.apply_changes(
            4,
            &[TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "x = 1\n".into(),
            }],
            Encoding::Utf8,
        );
        assert_eq!(doc.text, "x = 1\n");
        assert_eq!(doc.version, 4);
        doc.apply_changes(2, &[], Encoding::Utf8);
        assert_eq!(doc.version, 4);
    }
}
