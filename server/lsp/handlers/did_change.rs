//! `textDocument/didChange`: applies the edits to the text, in wire order (cheap: no parsing).

use std::sync::Arc;

use ls_types::notification::DidChangeTextDocument;
use ls_types::{DidChangeTextDocumentParams, MessageType};

use super::NotificationHandler;
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
        // A snapshot still held by a worker keeps its own copy.
        let mut doc = Arc::unwrap_or_clone(Arc::clone(doc));
        doc.apply_changes(
            params.text_document.version,
            &params.content_changes,
            server.flags.encoding,
        );
        let delay = server.options.diagnostics_delay;
        server.store(doc, delay);
    }
}
