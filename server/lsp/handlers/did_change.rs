//! `textDocument/didChange`: applies the edits to the text, in wire order (cheap: no parsing).

use ls_types::notification::DidChangeTextDocument;
use ls_types::{DidChangeTextDocumentParams, MessageType};

use super::NotificationHandler;
use crate::lsp::documents::Document;
use crate::lsp::server::Server;

impl NotificationHandler for DidChangeTextDocument {
    fn run(server: &mut Server, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(doc) = server.docs.get(&uri) else {
            let message = format!(
                "closure-lens: didChange for a document that is not open: {}",
                uri.as_str()
            );
            return server.log(MessageType::WARNING, message);
        };
        // The new version starts as a copy (workers may hold the old one); the old one is freed
        // off the main loop when `store` replaces it.
        let mut doc = Document::clone(doc);
        doc.apply_changes(
            params.text_document.version,
            &params.content_changes,
            server.flags.encoding,
        );
        let delay = server.options.diagnostics_delay;
        server.store(doc, delay);
    }
}
