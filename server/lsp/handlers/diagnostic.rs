//! `textDocument/diagnostic` (pull diagnostics): always a full report.

use ls_types::request::DocumentDiagnosticRequest;
use ls_types::{DocumentDiagnosticParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto::{self, FullReport};

impl DocumentRequestHandler for DocumentDiagnosticRequest {
    type Answer = FullReport;

    fn document(params: &DocumentDiagnosticParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> FullReport {
        FullReport::new(Vec::new())
    }

    fn run(
        snapshot: &Snapshot,
        _params: DocumentDiagnosticParams,
    ) -> Result<FullReport, ResponseError> {
        let ctx = snapshot.ctx();
        let shown = budget(ctx.diagnostics().iter().cloned(), snapshot.response_items);
        Ok(FullReport::new(to_proto::diagnostics(&ctx, &shown)))
    }
}
