//! `initialize`: negotiates the position encoding and what the client supports, applies
//! `initializationOptions`, and declares the server's capabilities.

use ls_types::request::Initialize;
use ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions,
    DiagnosticOptions, DiagnosticServerCapabilities, ExecuteCommandOptions,
    HoverProviderCapability, InitializeParams, InitializeResult, MessageType, OneOf,
    PositionEncodingKind, RenameOptions, SemanticTokensFullOptions, SemanticTokensOptions,
    SemanticTokensServerCapabilities, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, WorkDoneProgressOptions,
};

use std::path::PathBuf;

use ls_types::Uri;

use super::SyncRequestHandler;
use crate::line_index::Encoding;
use crate::lsp::jsonrpc::{ResponseError, code};
use crate::lsp::modules::file_path;
use crate::lsp::server::{ClientFlags, Phase, Server};
use crate::lsp::to_proto;

impl SyncRequestHandler for Initialize {
    fn run(
        server: &mut Server,
        params: InitializeParams,
    ) -> Result<InitializeResult, ResponseError> {
        if server.phase != Phase::Uninitialized {
            return Err(ResponseError::new(
                code::INVALID_REQUEST,
                "initialize may only be sent once",
            ));
        }
        let flags = negotiate(&params);
        server.flags = flags;
        server.phase = Phase::Running;
        if let Some(options) = &params.initialization_options {
            for problem in server.settings.update(options) {
                server.log(MessageType::WARNING, format!("closure-lens: {problem}"));
            }
        }
        server.folders = folders(&params);
        server.update_roots();
        Ok(result(flags))
    }
}

fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

fn negotiate(params: &InitializeParams) -> ClientFlags {
    let caps = &params.capabilities;
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    let encoding = if offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let workspace = caps.workspace.as_ref();
    ClientFlags {
        encoding,
        pull_diagnostics: caps
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some()),
        inlay_hint_refresh: workspace
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|i| i.refresh_support)
            .unwrap_or(false),
        code_lens_refresh: workspace
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        diagnostic_refresh: workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        semantic_tokens_refresh: workspace
            .and_then(|w| w.semantic_tokens.as_ref())
            .and_then(|s| s.refresh_support)
            .unwrap_or(false),
        change_annotations: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| {
                e.document_changes == Some(true) && e.change_annotation_support.is_some()
            }),
        prepare_rename: caps
            .text_document
            .as_ref()
            .and_then(|t| t.rename.as_ref())
            .and_then(|r| r.prepare_support)
            .unwrap_or(false),
        pull_configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
        watched_files_registration: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
    }
}

/// The workspace folders' paths (else the deprecated `rootUri`'s).
#[allow(deprecated)]
fn folders(params: &InitializeParams) -> Vec<PathBuf> {
    let uris: Vec<&Uri> = match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders.iter().map(|f| &f.uri).collect(),
        _ => params.root_uri.iter().collect(),
    };
    uris.into_iter().filter_map(file_path).collect()
}

fn result(flags: ClientFlags) -> InitializeResult {
    let diagnostic_provider = flags.pull_diagnostics.then(|| {
        DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("closure-lens".into()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    });
    InitializeResult {
        server_info: Some(ServerInfo {
            name: "closure-lens".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        offset_encoding: None,
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding_kind(flags.encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            document_highlight_provider: Some(OneOf::Left(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            // `prepareProvider` only for clients that said they send `prepareRename`.
            rename_provider: Some(if flags.prepare_rename {
                OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })
            } else {
                OneOf::Left(true)
            }),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: to_proto::semantic_tokens_legend(),
                    range: Some(true),
                    full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
            ),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(to_proto::FIX_ALL_KIND),
                ]),
                work_done_progress_options: WorkDoneProgressOptions::default(),
                resolve_provider: Some(false),
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![to_proto::SHOW_CAPTURES.into()],
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            diagnostic_provider,
            ..ServerCapabilities::default()
        },
    }
}
