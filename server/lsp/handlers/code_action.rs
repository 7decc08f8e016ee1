//! `textDocument/codeAction`: the quick fixes of the diagnostics in the range (the first safe
//! fix of each is preferred), and `source.fixAll.closure-lens`, every safe fix of the file at
//! once (for "fix on save").

use ls_types::request::CodeActionRequest;
use ls_types::{CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, Uri};

use super::DocumentRequestHandler;
use crate::ide::diagnostics::fix_all::fix_all;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

impl DocumentRequestHandler for CodeActionRequest {
    type Answer = Self::Result;

    fn document(params: &CodeActionParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Option<CodeActionResponse> {
        None
    }

    fn run(
        snapshot: &Snapshot,
        params: CodeActionParams,
    ) -> Result<Option<CodeActionResponse>, ResponseError> {
        let ctx = snapshot.ctx();
        let only = params.context.only.as_deref();
        let wanted = |kind: &str| {
            only.is_none_or(|only| {
                only.iter().any(|o| {
                    let o = o.as_str();
                    kind == o || kind.strip_prefix(o).is_some_and(|r| r.starts_with('.'))
                })
            })
        };
        let diagnostics = ctx.diagnostics();
        let range = ctx.text_range(params.range);
        let mut actions = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            for diagnostic in diagnostics.iter() {
                let touches =
                    diagnostic.range.start <= range.end && range.start <= diagnostic.range.end;
                if touches {
                    actions.extend(to_proto::quick_fixes(&ctx, diagnostic));
                }
            }
        }
        if wanted(to_proto::FIX_ALL_KIND) {
            let edits = fix_all(&diagnostics);
            if !edits.is_empty() {
                actions.push(to_proto::fix_all(&ctx, &edits));
            }
        }
        Ok(Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        ))
    }
}
