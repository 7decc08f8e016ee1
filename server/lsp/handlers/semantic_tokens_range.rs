//! `textDocument/semanticTokens/range`: the tokens of the visible range (not remembered: deltas
//! are always from a full result).

use ls_types::request::SemanticTokensRangeRequest;
use ls_types::{SemanticTokens, SemanticTokensRangeParams, SemanticTokensRangeResult, Uri};

use super::DocumentRequestHandler;
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for SemanticTokensRangeRequest {
    type Answer = Self::Result;

    fn document(params: &SemanticTokensRangeParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<SemanticTokensRangeResult> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>, ResponseError> {
        let ctx = snapshot.symbols_ctx();
        let range = ctx.text_range(params.range);
        let tokens = ide::semantic_tokens::semantic_tokens(&ctx.file(), Some(range));
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data: to_proto::semantic_tokens(&ctx, &tokens),
        })))
    }
}
