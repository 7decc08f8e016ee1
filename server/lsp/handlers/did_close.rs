//! `textDocument/didClose`: forgets the document (and clears its pushed diagnostics).

use ls_types::DidCloseTextDocumentParams;
use ls_types::notification::DidCloseTextDocument;

use super::NotificationHandler;
use crate::lsp::server::Server;

impl NotificationHandler for DidCloseTextDocument {
    fn run(server: &mut Server, params: DidCloseTextDocumentParams) {
        server.close(&params.text_document.uri);
    }
}
