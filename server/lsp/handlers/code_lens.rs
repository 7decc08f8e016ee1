//! `textDocument/codeLens`: the document's lenses (captures, and what each decorated definition
//! becomes), at most the response budget.

use ls_types::request::CodeLensRequest;
use ls_types::{CodeLensParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::analysis::TextRange;
use crate::ide;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto::{self, PeekLens};

impl DocumentRequestHandler for CodeLensRequest {
    type Answer = Option<Vec<PeekLens>>;

    fn document(params: &CodeLensParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<Vec<PeekLens>> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        _params: CodeLensParams,
    ) -> Result<Option<Vec<PeekLens>>, ResponseError> {
        if !snapshot.settings.code_lens {
            return Ok(Some(Vec::new()));
        }
        let ctx = snapshot.symbols_ctx();
        // Kept from version to version by the document (from the same analysis as `ctx`'s, or
        // its first stage: no lens reads the flow facts).
        let captures = snapshot.doc.code_lenses(ctx.settings);
        let mut lenses: Vec<Lens> = captures.iter().map(Lens::Captures).collect();
        if snapshot.settings.decorator_lens {
            if let Some(module) = snapshot.module() {
                let decorated = ide::decorators::lens::lenses(&module, &snapshot.modules());
                lenses.extend(decorated.into_iter().map(Lens::Decorated));
            }
        }
        // In source order, cut to the budget before converting: a lens's command carries the
        // locations it opens, and converting those is most of the work.
        lenses.sort_by_key(|l| l.range().start);
        let lenses = budget(lenses, snapshot.response_items)
            .into_iter()
            .map(|l| match l {
                Lens::Captures(l) => to_proto::code_lens(&ctx, l),
                Lens::Decorated(l) => to_proto::decorated_lens(&ctx, l),
            })
            .collect();
        Ok(Some(lenses))
    }
}

/// A lens of either kind.
enum Lens<'a> {
    Captures(&'a ide::code_lens::CodeLens),
    Decorated(ide::decorators::lens::DecoratedLens),
}

impl Lens<'_> {
    fn range(&self) -> TextRange {
        match self {
            Lens::Captures(l) => l.range,
            Lens::Decorated(l) => l.range,
        }
    }
}
