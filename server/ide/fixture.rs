//! Test fixtures: a source text with an optional `$0` cursor marker, parsed and analysed.

use crate::analysis::{self, Analysis, PythonVersion};
use crate::line_index::LineIndex;
use crate::syntax;

use super::FileView;

/// One analysed file for a feature test.
pub struct Fixture {
    /// The text, without the cursor marker.
    pub text: String,
    /// Where `$0` was, if anywhere.
    pub cursor: Option<usize>,
    pub lines: LineIndex,
    pub analysis: Analysis,
}

impl Fixture {
    /// `text` (a leading newline is dropped) under the default version's rules.
    pub fn new(text: &str) -> Self {
        Self::with_version(text, PythonVersion::default())
    }

    /// `text` under `version`'s rules.
    pub fn with_version(text: &str, version: PythonVersion) -> Self {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let cursor = text.find("$0");
        let text = text.replacen("$0", "", 1);
        let tree = syntax::parse(&text);
        let analysis = analysis::analyze(&text, &tree, version);
        Fixture {
            lines: LineIndex::new(&text),
            text,
            cursor,
            analysis,
        }
    }

    /// The file as features see it.
    pub fn view(&self) -> FileView<'_> {
        FileView {
            text: &self.text,
            lines: &self.lines,
            analysis: &self.analysis,
        }
    }

    /// The cursor offset (panics if the fixture has no `$0`).
    pub fn cursor(&self) -> usize {
        self.cursor.expect("the fixture has a $0 cursor")
    }
}
