//! `textDocument/definition`: the bindings of the variable under the cursor (`null` if none).

use ls_types::request::GotoDefinition;
use ls_types::{GotoDefinitionParams, GotoDefinitionResponse, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;

impl DocumentRequestHandler for GotoDefinition {
    fn document(params: &GotoDefinitionParams) -> &Uri {
        &params.text_document_position_params.text_document.uri
    }

    fn not_open() -> Option<GotoDefinitionResponse> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
        let ctx = snapshot.ctx();
        let at = ctx.offset(params.text_document_position_params.position);
        let found = ide::definition::definitions(&ctx.file(), at);
        let locations: Vec<_> = budget(found, snapshot.response_items)
            .into_iter()
            .map(|r| ctx.location(r))
            .collect();
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }
}
