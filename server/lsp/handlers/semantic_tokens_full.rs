//! `textDocument/semanticTokens/full`: every token of the document, remembered for later deltas.

use std::sync::Arc;

use ls_types::request::SemanticTokensFullRequest;
use ls_types::{SemanticTokens, SemanticTokensParams, SemanticTokensResult, Uri};

use super::DocumentRequestHandler;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for SemanticTokensFullRequest {
    type Answer = Self::Result;

    fn document(params: &SemanticTokensParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<SemanticTokensResult> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>, ResponseError> {
        let (result_id, data) = all_tokens(snapshot, &params.text_document.uri);
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: Some(result_id),
            data: data.to_vec(),
        })))
    }
}

/// Every token of the snapshot's document (kept by the document from one version to the next),
/// remembered as the last sent; with their result id.
pub fn all_tokens(snapshot: &Snapshot, uri: &Uri) -> (String, Arc<Vec<ls_types::SemanticToken>>) {
    let ctx = snapshot.symbols_ctx();
    let tokens = snapshot.doc.semantic_tokens();
    let data = Arc::new(to_proto::semantic_tokens(&ctx, &tokens));
    let result_id = snapshot.tokens.remember(uri, Arc::clone(&data));
    (result_id, data)
}
