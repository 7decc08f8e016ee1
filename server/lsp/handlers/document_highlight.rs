//! `textDocument/documentHighlight`.

use ls_types::request::DocumentHighlightRequest;
use ls_types::{DocumentHighlight, DocumentHighlightParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for DocumentHighlightRequest {
    type Answer = Self::Result;

    fn document(params: &DocumentHighlightParams) -> &Uri {
        &params.text_document_position_params.text_document.uri
    }

    fn not_open() -> Option<Vec<DocumentHighlight>> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>, ResponseError> {
        let ctx = snapshot.symbols_ctx();
        let at = ctx.offset(params.text_document_position_params.position);
        let highlights = ide::highlights::highlights(&ctx.file(), at);
        let highlights = budget(highlights, snapshot.response_items);
        Ok(Some(
            highlights
                .into_iter()
                .map(|h| to_proto::highlight(&ctx, h))
                .collect(),
        ))
    }
}
