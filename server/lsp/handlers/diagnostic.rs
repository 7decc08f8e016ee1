//! `textDocument/diagnostic` (pull diagnostics): always a full report.

use ls_types::request::DocumentDiagnosticRequest;
use ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, Uri,
};

use super::{DocumentRequestHandler, budget};
use crate::lsp::features;
use crate::lsp::server::Snapshot;

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
    fn document(params: &DocumentDiagnosticParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> DocumentDiagnosticReportResult {
        report(Vec::new())
    }

    fn run(
        snapshot: &Snapshot,
        _params: DocumentDiagnosticParams,
    ) -> DocumentDiagnosticReportResult {
        if !snapshot.settings.diagnostics {
            return report(Vec::new());
        }
        let items = features::diagnostics::diagnostics(&snapshot.ctx());
        report(budget(items, snapshot.response_items))
    }
}
