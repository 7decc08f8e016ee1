//! `textDocument/didChange`: applies the edits to the text, in wire order (cheap: no parsing).

use ls_types::notification::DidChangeTextDocument;
use ls_types::request::CodeLensRefresh;
use ls_types::{DidChangeTextDocumentParams, MessageType};

use super::NotificationHandler;
use crate::lsp::modules::file_path;
use crate::lsp::server::{Pending, Server};

impl NotificationHandler for DidChangeTextDocument {
    fn run(server: &mut Server, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(mut doc) = server.take_document(&uri) else {
            let message = format!(
                "closure-lens: didChange for a document that is not open: {}",
                uri.as_str()
            );
            return server.log(MessageType::WARNING, message);
        };
        let was_too_big = server.is_too_big(&doc);
        let (analysis, rest) = doc.take_results();
        server.dispose(rest);
        if let Some(analysis) = analysis {
            server.release_shared(analysis);
        }
        doc.apply_changes(
            params.text_document.version,
            &params.content_changes,
            server.flags.encoding,
        );
        // After the change: a job making a module of the old version either cached it before
        // (taken out here) or sees it superseded and caches nothing.
        if let Some(module) = file_path(&uri).and_then(|p| server.workspace.forget_buffer(&p)) {
            server.release_module(module);
        }
        let delay = server.options.diagnostics_delay;
        server.store_next(doc, delay, was_too_big);
        // Another file imports this module: its lenses (what its decorated names become) may
        // have changed too.
        let imported = file_path(&uri).is_some_and(|path| server.workspace.is_imported(&path));
        if imported && server.flags.code_lens_refresh {
            server.request_client::<CodeLensRefresh>(&(), Pending::Ignore);
        }
    }
}
