//! `textDocument/inlayHint`: the hints in the requested range, at most the response budget.

use ls_types::request::InlayHintRequest;
use ls_types::{InlayHint, InlayHintParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for InlayHintRequest {
    type Answer = Self::Result;

    fn document(params: &InlayHintParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<Vec<InlayHint>> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: InlayHintParams,
    ) -> Result<Option<Vec<InlayHint>>, ResponseError> {
        if !snapshot.settings.inlay_hints {
            return Ok(Some(Vec::new()));
        }
        let ctx = snapshot.symbols_ctx();
        let range = ctx.text_range(params.range);
        let hints = ide::inlay_hints::inlay_hints(&ctx.file(), range, ctx.settings);
        let hints = budget(hints, snapshot.response_items);
        Ok(Some(
            hints
                .into_iter()
                .map(|h| to_proto::inlay_hint(&ctx, h))
                .collect(),
        ))
    }
}
