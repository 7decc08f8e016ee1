//! `textDocument/codeLens`: the document's lenses, at most the response budget.

use ls_types::request::CodeLensRequest;
use ls_types::{CodeLens, CodeLensParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::lsp::features;
use crate::lsp::server::Snapshot;

impl DocumentRequestHandler for CodeLensRequest {
    fn document(params: &CodeLensParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<Vec<CodeLens>> {
        None
    }

    fn run(snapshot: &Snapshot, _params: CodeLensParams) -> Option<Vec<CodeLens>> {
        if !snapshot.settings.code_lens {
            return Some(Vec::new());
        }
        let lenses = features::code_lens::code_lenses(&snapshot.ctx());
        Some(budget(lenses, snapshot.response_items))
    }
}
