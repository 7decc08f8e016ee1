//! `textDocument/semanticTokens/full/delta`: the edits from the tokens last sent, or every token
//! when the client's previous result is not the last one sent.

use ls_types::request::SemanticTokensFullDeltaRequest;
use ls_types::{
    SemanticTokens, SemanticTokensDelta, SemanticTokensDeltaParams, SemanticTokensFullDeltaResult,
    Uri,
};

use super::DocumentRequestHandler;
use super::semantic_tokens_full::all_tokens;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for SemanticTokensFullDeltaRequest {
    type Answer = Self::Result;

    fn document(params: &SemanticTokensDeltaParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<SemanticTokensFullDeltaResult> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>, ResponseError> {
        let uri = &params.text_document.uri;
        let previous = snapshot.tokens.sent(uri, &params.previous_result_id);
        let (result_id, data) = all_tokens(snapshot, uri);
        Ok(Some(match previous {
            Some(previous) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                result_id: Some(result_id),
                edits: to_proto::semantic_tokens_delta(&previous, &data),
            }),
            None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data: data.to_vec(),
            }),
        }))
    }
}
