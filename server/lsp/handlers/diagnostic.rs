//! `textDocument/diagnostic` (pull diagnostics): a full report, or an unchanged one when the
//! client's previous report holds the same diagnostics (most keystrokes change none: a large
//! file's full report can be megabytes).

use std::sync::Arc;

use ls_types::request::DocumentDiagnosticRequest;
use ls_types::{DocumentDiagnosticParams, Uri};

use super::{DocumentRequestHandler, budget};
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::Snapshot;
use crate::lsp::to_proto::{self, LspDiagnostic, Report, Reported};

impl DocumentRequestHandler for DocumentDiagnosticRequest {
    type Answer = Report;

    fn document(params: &DocumentDiagnosticParams) -> &Uri {
        &params.text_document.uri
    }

    fn not_open() -> Report {
        Report::Full {
            result_id: None,
            items: Arc::default(),
        }
    }

    fn run(snapshot: &Snapshot, params: DocumentDiagnosticParams) -> Result<Report, ResponseError> {
        let ctx = snapshot.ctx();
        let shown = budget(ctx.diagnostics().iter().cloned(), snapshot.response_items);
        let items = to_proto::diagnostics(&ctx, &shown);
        let uri = &params.text_document.uri;
        if let Some(previous) = params.previous_result_id {
            let same = |sent: Arc<Vec<Reported>>| {
                sent.len() == items.len()
                    && (items.iter().zip(sent.iter())).all(|(d, was)| d.is_reported_as(was))
            };
            if (snapshot.reports.sent(uri, &previous)).is_some_and(same) {
                return Ok(Report::Unchanged {
                    result_id: previous,
                });
            }
        }
        let reported = items.iter().map(LspDiagnostic::reported).collect();
        let result_id = snapshot.reports.remember(uri, Arc::new(reported));
        let items = Arc::new(items);
        Ok(Report::Full {
            result_id: Some(result_id),
            items,
        })
    }
}
