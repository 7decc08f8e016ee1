//! The glue between open documents and the [workspace](crate::workspace): open buffers by path
//! (they win over the disk), and a request's document as a module of the workspace.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ls_types::Uri;

use crate::ide::decorators::ModuleFile;
use crate::lsp::documents::Document;
use crate::workspace::{Buffer, OpenBuffer, OpenBuffers, Workspace};

/// The open documents that are files, by path: their versions and texts (shared with requests
/// as one `Arc`). Only the texts: a job holding the open files holds no document's analysis,
/// which the document's next keystroke would then have to copy.
#[derive(Clone, Default)]
pub struct OpenFiles(HashMap<PathBuf, (i32, Arc<String>)>);

impl OpenFiles {
    /// Records `doc` as the open version of its file.
    pub fn store(&mut self, doc: &Document) {
        if let Some(path) = file_path(&doc.uri) {
            self.0.insert(path, (doc.version, Arc::clone(&doc.text)));
        }
    }

    /// The open files but the one at `path`: for a job about that file, whose next keystroke
    /// then edits the text in place.
    pub fn without(&self, path: &Path) -> Self {
        let mut files = self.0.clone();
        files.remove(path);
        OpenFiles(files)
    }

    /// Forgets the document at `uri`.
    pub fn close(&mut self, uri: &Uri) {
        if let Some(path) = file_path(uri) {
            self.0.remove(&path);
        }
    }
}

impl OpenBuffers for OpenFiles {
    fn open(&self, path: &Path) -> Option<OpenBuffer<'_>> {
        self.0.get(path).map(|(version, text)| OpenBuffer {
            version: *version,
            text,
        })
    }
}

/// The path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    uri.to_file_path()
        .filter(|p| is_file && p.is_absolute())
        .map(|p| p.into_owned())
}

/// `doc` as a module of `workspace` (cached per version).
pub fn document_module(workspace: &Workspace, doc: &Document) -> Arc<ModuleFile> {
    let path = file_path(&doc.uri);
    let buffer = Buffer {
        path: path.as_deref(),
        version: doc.version,
        text: &doc.text,
        lines: &doc.line_index,
        analysis: &doc.symbols(),
        superseded: &|| doc.is_superseded(),
    };
    workspace.document(buffer, || doc.outline(), doc.python_version)
}
