//! `textDocument/documentHighlight`.

use ls_types::request::DocumentHighlightRequest;
use ls_types::{DocumentHighlight, DocumentHighlightParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::lsp::features;
use crate::lsp::server::Snapshot;

impl DocumentRequestHandler for DocumentHighlightRequest {
    fn document(params: &DocumentHighlightParams) -> &Uri {
        &params.text_document_position_params.text_document.uri
    }

    fn not_open() -> Option<Vec<DocumentHighlight>> {
        None
    }

    fn run(snapshot: &Snapshot, params: DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
        let ctx = snapshot.ctx();
        let at = ctx.offset(params.text_document_position_params.position);
        let highlights = features::highlight::highlights(&ctx, at);
        Some(budget(highlights, snapshot.response_items))
    }
}
