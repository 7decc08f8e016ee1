//! `textDocument/prepareRename`: the name under the cursor and its range, or why it cannot be
//! renamed (`RequestFailed` with the reason, which the editor shows).

use ls_types::request::PrepareRenameRequest;
use ls_types::{PrepareRenameResponse, TextDocumentPositionParams, Uri};

use super::DocumentRequestHandler;
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for PrepareRenameRequest {
    type Answer = Self::Result;

    fn document(params: &TextDocumentPositionParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<PrepareRenameResponse> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>, ResponseError> {
        let ctx = snapshot.symbols_ctx();
        let at = ctx.offset(params.position);
        let tree = snapshot.doc.tree();
        match ide::rename::prepare_rename(&ctx.file(), &tree, at) {
            Ok(target) => Ok(Some(to_proto::prepare_rename(&ctx, &target))),
            Err(refused) => Err(to_proto::rename_error(&refused)),
        }
    }
}
