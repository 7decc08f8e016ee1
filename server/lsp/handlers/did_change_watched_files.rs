//! `workspace/didChangeWatchedFiles`: Python files changed on disk; the workspace forgets what
//! it read from them, and the client is asked to refresh the lenses that may show them.

use ls_types::DidChangeWatchedFilesParams;
use ls_types::notification::DidChangeWatchedFiles;
use ls_types::request::CodeLensRefresh;

use super::NotificationHandler;
use crate::lsp::modules::file_path;
use crate::lsp::server::{Pending, Server};

impl NotificationHandler for DidChangeWatchedFiles {
    fn run(server: &mut Server, params: DidChangeWatchedFilesParams) {
        for change in &params.changes {
            if let Some(path) = file_path(&change.uri) {
                server.workspace.invalidate(&path);
            }
        }
        if !params.changes.is_empty() && server.flags.code_lens_refresh {
            server.request_client::<CodeLensRefresh>(&(), Pending::Ignore);
        }
    }
}
