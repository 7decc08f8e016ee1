//! `workspace/didChangeConfiguration`: new settings, pushed in the notification or pulled with
//! `workspace/configuration` when the notification carries none.

use ls_types::notification::DidChangeConfiguration;
use ls_types::request::{
    CodeLensRefresh, InlayHintRefreshRequest, SemanticTokensRefresh, WorkspaceConfiguration,
    WorkspaceDiagnosticRefresh,
};
use ls_types::{ConfigurationItem, ConfigurationParams, DidChangeConfigurationParams, MessageType};
use serde_json::Value;

use super::NotificationHandler;
use crate::lsp::server::{Pending, Server};

impl NotificationHandler for DidChangeConfiguration {
    fn run(server: &mut Server, params: DidChangeConfigurationParams) {
        if !params.settings.is_object() && server.flags.pull_configuration {
            // The pull model: the notification only says "something changed"; ask for our section.
            let items = vec![ConfigurationItem {
                scope_uri: None,
                section: Some("closureLens".into()),
            }];
            server.request_client::<WorkspaceConfiguration>(
                &ConfigurationParams { items },
                Pending::Configuration,
            );
            return;
        }
        apply(server, &params.settings);
    }
}

/// Applies new settings: documents whose Python version changed are re-analysed, diagnostics are
/// pushed again, and the client is asked to refresh hints, lenses and semantic tokens.
pub fn apply(server: &mut Server, value: &Value) {
    let problems = server.settings.update(value);
    for problem in problems {
        server.log(MessageType::WARNING, format!("closure-lens: {problem}"));
    }
    server.reanalyze_all();
    server.update_roots();
    let flags = server.flags;
    if flags.inlay_hint_refresh {
        server.request_client::<InlayHintRefreshRequest>(&(), Pending::Ignore);
    }
    if flags.code_lens_refresh {
        server.request_client::<CodeLensRefresh>(&(), Pending::Ignore);
    }
    if flags.semantic_tokens_refresh {
        server.request_client::<SemanticTokensRefresh>(&(), Pending::Ignore);
    }
    if flags.pull_diagnostics && flags.diagnostic_refresh {
        server.request_client::<WorkspaceDiagnosticRefresh>(&(), Pending::Ignore);
    }
}
