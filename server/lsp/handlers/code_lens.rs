//! `textDocument/codeLens`: the document's lenses, at most the response budget.

use ls_types::request::CodeLensRequest;
use ls_types::{CodeLens, CodeLensParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for CodeLensRequest {
    fn document(params: &CodeLensParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<Vec<CodeLens>> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        _params: CodeLensParams,
    ) -> Result<Option<Vec<CodeLens>>, ResponseError> {
        if !snapshot.settings.code_lens {
            return Ok(Some(Vec::new()));
        }
        let ctx = snapshot.ctx();
        let lenses = ide::code_lens::code_lenses(&ctx.file(), ctx.settings);
        let lenses = budget(lenses, snapshot.response_items);
        Ok(Some(
            lenses
                .into_iter()
                .map(|l| to_proto::code_lens(&ctx, l))
                .collect(),
        ))
    }
}
