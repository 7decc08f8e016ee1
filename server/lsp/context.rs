//! What a request works on: one document version, its analysis, the encoding and the settings.

use ls_types::{Location, Position, Range};

use crate::analysis::{Analysis, TextRange};
use crate::config::Settings;
use crate::ide::FileView;
use crate::line_index::Encoding;
use crate::lsp::convert;
use crate::lsp::documents::Document;

/// One document version as a request sees it.
pub struct Ctx<'a> {
    /// The document snapshot.
    pub doc: &'a Document,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// Current settings.
    pub settings: &'a Settings,
}

impl<'a> Ctx<'a> {
    /// A context for `doc` (computing its analysis if needed).
    pub fn new(doc: &'a Document, encoding: Encoding, settings: &'a Settings) -> Self {
        Self::with_analysis(doc, doc.analysis(), encoding, settings)
    }

    /// A context for `doc` with `analysis`, an analysis of it (see [`Document::symbols`]).
    pub fn with_analysis(
        doc: &'a Document,
        analysis: &'a Analysis,
        encoding: Encoding,
        settings: &'a Settings,
    ) -> Self {
        Ctx {
            doc,
            analysis,
            encoding,
            settings,
        }
    }

    /// The file as the `ide` features see it.
    pub fn file(&self) -> FileView<'a> {
        FileView {
            text: &self.doc.text,
            lines: &self.doc.line_index,
            analysis: self.analysis,
        }
    }

    /// The document's diagnostics under this context's settings (found once per version).
    pub fn diagnostics(&self) -> crate::lsp::documents::Shown {
        self.doc.diagnostics(self.settings)
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

    /// The byte range of an LSP range (clamped).
    pub fn text_range(&self, range: Range) -> TextRange {
        convert::text_range(&self.doc.line_index, range, self.encoding)
    }

    /// A location in this document.
    pub fn location(&self, range: TextRange) -> Location {
        Location::new(self.doc.uri.clone(), self.range(range))
    }
}
