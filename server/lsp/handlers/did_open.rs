//! `textDocument/didOpen`: stores the text (parsing and analysis happen later, on a worker).

use std::sync::Arc;
use std::time::Duration;

use ls_types::notification::DidOpenTextDocument;
use ls_types::{DidOpenTextDocumentParams, MessageType};

use super::NotificationHandler;
use crate::config::{self, ProjectConfig};
use crate::lsp::documents::Document;
use crate::lsp::server::Server;

impl NotificationHandler for DidOpenTextDocument {
    fn run(server: &mut Server, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        // Only real files have a project around them (not `untitled:` buffers and the like).
        let is_file = item.uri.scheme().as_str().eq_ignore_ascii_case("file");
        let directory = item
            .uri
            .to_file_path()
            .filter(|p| is_file && p.is_absolute())
            .and_then(|p| p.parent().map(|d| d.to_path_buf()));
        let project = match directory.map(|d| config::project_config(&d)) {
            Some(Ok(project)) => project,
            Some(Err(problem)) => {
                server.log(
                    MessageType::WARNING,
                    format!("closure-lens: ignoring [tool.closure-lens]: {problem}"),
                );
                ProjectConfig::default()
            }
            None => ProjectConfig::default(),
        };
        let version = server.settings.effective_version(project.python_version);
        let mut doc = Document::new(item.uri, item.version, item.text, version)
            .with_stats(server.stats(), server.options.keep_tree_limit);
        doc.project = Arc::new(project);
        let uri = doc.uri.clone();
        server.store(doc, Duration::ZERO);
        server.prefetch_after_analysis(uri);
    }
}
