//! `textDocument/diagnostic` (pull diagnostics): always a full report.

use ls_types::request::DocumentDiagnosticRequest;
use ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, Uri,
};

use super::{DocumentRequestHandler, budget};
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto;

fn report(items: Vec<ls_types::Diagnostic>) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}

impl DocumentRequestHandler for DocumentDiagnosticRequest {
    type Answer = Self::Result;

    fn document(params: &DocumentDiagnosticParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> DocumentDiagnosticReportResult {
        report(Vec::new())
    }

    fn run(
        snapshot: &Snapshot,
        _params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult, ResponseError> {
        let ctx = snapshot.ctx();
        let items = ctx.diagnostics();
        Ok(report(
            budget(items.iter(), snapshot.response_items)
                .into_iter()
                .map(|d| to_proto::diagnostic(&ctx, d))
                .collect(),
        ))
    }
}
