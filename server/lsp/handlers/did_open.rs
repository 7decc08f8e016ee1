//! `textDocument/didOpen`: stores the text (parsing and analysis happen later, on a worker).

use ls_types::DidOpenTextDocumentParams;
use ls_types::notification::DidOpenTextDocument;
use std::time::Duration;

use super::NotificationHandler;
use crate::lsp::config;
use crate::lsp::documents::Document;
use crate::lsp::server::Server;

impl NotificationHandler for DidOpenTextDocument {
    fn run(server: &mut Server, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        // Only real files have a project around them (not `untitled:` buffers and the like).
        let is_file = item.uri.scheme().as_str().eq_ignore_ascii_case("file");
        let project = item
            .uri
            .to_file_path()
            .filter(|p| is_file && p.is_absolute())
            .and_then(|p| p.parent().and_then(config::pyproject_python_version));
        let version = server.settings.effective_version(project);
        let mut doc = Document::new(item.uri, item.version, item.text, version)
            .with_stats(server.stats(), server.options.keep_tree_limit);
        doc.project_python_version = project;
        server.store(doc, Duration::ZERO);
    }
}
