//! `textDocument/rename`: every spelling of one variable, or why renaming it would change what
//! the code does (`RequestFailed` with the reason). Warnings (uses closure-lens cannot see, such
//! as attribute access or other modules) ask for confirmation through a change annotation when
//! the client supports them, and are shown as a message otherwise.

use ls_types::request::Rename;
use ls_types::{MessageType, RenameParams, Uri, WorkspaceEdit};

use super::DocumentRequestHandler;
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for Rename {
    type Answer = Self::Result;

    fn document(params: &RenameParams) -> &Uri {
        &params.text_document_position.text_document.uri
    }

    fn not_open() -> Option<WorkspaceEdit> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: RenameParams,
    ) -> Result<Option<WorkspaceEdit>, ResponseError> {
        let ctx = snapshot.symbols_ctx();
        let at = ctx.offset(params.text_document_position.position);
        let tree = snapshot.doc.tree();
        let rename = ide::rename::rename(&ctx.file(), &tree, at, &params.new_name)
            .map_err(|refused| to_proto::rename_error(&refused))?;
        let annotations = snapshot.flags.change_annotations;
        if !annotations && !rename.warnings.is_empty() {
            let message = format!(
                "closure-lens: renamed, but check: {}",
                to_proto::rename_warnings_text(&rename)
            );
            snapshot.show(MessageType::WARNING, message);
        }
        Ok(Some(to_proto::rename_edit(&ctx, &rename, annotations)))
    }
}
