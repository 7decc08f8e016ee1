//! `textDocument/definition`: the bindings of the variable under the cursor, or, for a name
//! bound by an import, the `def`/`class`/module it names in another file (`null` if none).

use ls_types::request::GotoDefinition;
use ls_types::{GotoDefinitionParams, GotoDefinitionResponse, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for GotoDefinition {
    type Answer = Self::Result;

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
        let ctx = snapshot.symbols_ctx();
        let at = ctx.offset(params.text_document_position_params.position);
        let elsewhere = snapshot.module().map_or_else(Vec::new, |module| {
            ide::decorators::definition::definition(&module, &snapshot.modules(), at)
        });
        let locations: Vec<_> = if elsewhere.is_empty() {
            let found = ide::definition::definitions(&ctx.file(), at);
            budget(found, snapshot.response_items)
                .into_iter()
                .map(|r| ctx.location(r))
                .collect()
        } else {
            elsewhere
                .iter()
                .filter_map(|t| to_proto::module_location(&ctx, t))
                .collect()
        };
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }
}
