//! `textDocument/inlayHint`: the hints in the requested range, at most the response budget.

use ls_types::request::InlayHintRequest;
use ls_types::{InlayHint, InlayHintParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::lsp::server::Snapshot;
use crate::lsp::{convert, features};

impl DocumentRequestHandler for InlayHintRequest {
    fn document(params: &InlayHintParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<Vec<InlayHint>> {
        None
    }

    fn run(snapshot: &Snapshot, params: InlayHintParams) -> Option<Vec<InlayHint>> {
        if !snapshot.settings.inlay_hints {
            return Some(Vec::new());
        }
        let ctx = snapshot.ctx();
        let range = convert::text_range(&snapshot.doc.line_index, params.range, ctx.encoding);
        let hints = features::inlay_hints::inlay_hints(&ctx, range);
        Some(budget(hints, snapshot.response_items))
    }
}
