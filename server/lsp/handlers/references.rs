//! `textDocument/references`: every read and write of the variable under the cursor, in every
//! scope of the file (`null` when no variable is named there).

use ls_types::request::References;
use ls_types::{Location, ReferenceParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for References {
    type Answer = Self::Result;

    fn document(params: &ReferenceParams) -> &Uri {
        &params.text_document_position.text_document.uri
    }

    fn not_open() -> Option<Vec<Location>> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: ReferenceParams,
    ) -> Result<Option<Vec<Location>>, ResponseError> {
        let ctx = snapshot.symbols_ctx();
        let file = ctx.file();
        let at = ctx.offset(params.text_document_position.position);
        let Some(variable) = ide::references::variable_at(&file, at) else {
            return Ok(None);
        };
        let include_declaration = params.context.include_declaration;
        let found = ide::references::occurrences(&file, variable, include_declaration);
        let found = budget(found, snapshot.response_items);
        Ok(Some(to_proto::references(&ctx, &found)))
    }
}
