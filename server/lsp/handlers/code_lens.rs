//! `textDocument/codeLens`: the document's lenses (captures, and what each decorated definition
//! becomes), at most the response budget.

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
        let ctx = snapshot.symbols_ctx();
        let lenses = ide::code_lens::code_lenses(&ctx.file(), ctx.settings);
        let mut lenses: Vec<CodeLens> = lenses
            .into_iter()
            .map(|l| to_proto::code_lens(&ctx, l))
            .collect();
        if snapshot.settings.decorator_lens {
            if let Some(module) = snapshot.module() {
                let decorated = ide::decorators::lens::lenses(&module, &snapshot.modules());
                lenses.extend(
                    decorated
                        .into_iter()
                        .map(|l| to_proto::decorated_lens(&ctx, l)),
                );
                lenses.sort_by_key(|l| (l.range.start.line, l.range.start.character));
            }
        }
        Ok(Some(budget(lenses, snapshot.response_items)))
    }
}
