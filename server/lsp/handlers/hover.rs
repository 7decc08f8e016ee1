//! `textDocument/hover`: the file's own hover, after what a decorated definition becomes (which
//! follows imports into other modules).

use ls_types::request::HoverRequest;
use ls_types::{Hover, HoverParams, Uri};

use super::DocumentRequestHandler;
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for HoverRequest {
    type Answer = Self::Result;

    fn document(params: &HoverParams) -> &Uri {
        &params.text_document_position_params.text_document.uri
    }

    fn not_open() -> Option<Hover> {
        None
    }

    fn run(snapshot: &Snapshot, params: HoverParams) -> Result<Option<Hover>, ResponseError> {
        let ctx = snapshot.ctx();
        let at = ctx.offset(params.text_document_position_params.position);
        let own = ide::hover::hover(&ctx.file(), at, &ctx.diagnostics());
        let hover = match snapshot.module() {
            Some(module) => ide::decorators::hover::hover(&module, &snapshot.modules(), at, own),
            None => own,
        };
        Ok(hover.map(|h| to_proto::hover(&ctx, h)))
    }
}
