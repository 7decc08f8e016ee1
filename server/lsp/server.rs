//! The `LanguageServer` implementation: capabilities, document sync, feature requests.
//!
//! Ordering: `didOpen`/`didChange`/`didClose` update the document map synchronously, before their
//! first `.await`, so edits apply in wire order. Requests clone an `Arc<Document>` snapshot out of
//! the map (never holding a map guard across an `.await`) and compute their answer synchronously on
//! it, so every answer belongs to the version current when the request arrived. Every computation
//! runs under `catch_unwind`; a panic is reported with `window/logMessage` and answered with an
//! internal error, and the server keeps serving.

use std::any::Any;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use dashmap::DashMap;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::config::{self, ProjectConfig, Settings};
use crate::ide;
use crate::line_index::Encoding;
use crate::lsp::context::Ctx;
use crate::lsp::documents::Document;
use crate::lsp::framing::{self, INVALID_JSON_METHOD};
use crate::lsp::to_proto;

/// How long after a change diagnostics are pushed (later changes supersede earlier ones).
const DIAGNOSTICS_DELAY: Duration = Duration::from_millis(50);

/// How many recently opened or edited documents keep their syntax tree (the rest drop it).
const HOT_DOCUMENTS: usize = 3;

/// The environment variable that enables the test-only `closureLens/debugPanic` request.
pub const DEBUG_ENV: &str = "CLOSURE_LENS_DEBUG";

/// What the client said it supports, fixed at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
struct ClientFlags {
    encoding: Encoding,
    pull_diagnostics: bool,
    inlay_hint_refresh: bool,
    code_lens_refresh: bool,
    diagnostic_refresh: bool,
    pull_configuration: bool,
}

/// The server state shared by all handlers.
pub struct ClosureLens {
    client: Client,
    docs: Arc<DashMap<Uri, Arc<Document>>>,
    settings: Arc<RwLock<Settings>>,
    flags: OnceLock<ClientFlags>,
    shutdown_requested: Arc<AtomicBool>,
    /// Most recently opened or edited first; only these keep their trees.
    hot: Mutex<VecDeque<Uri>>,
    /// One background diagnostics computation at a time (bounded CPU and memory).
    diagnostics_gate: Arc<Semaphore>,
}

/// Serves LSP on the given streams until `exit` or end of input. Returns whether the session
/// ended cleanly (`shutdown` was requested before the end).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    let (service, socket) = LspService::build(move |client| ClosureLens::new(client, flag))
        .custom_method("closureLens/debugText", ClosureLens::debug_text)
        .custom_method("closureLens/debugPanic", ClosureLens::debug_panic)
        .custom_method(INVALID_JSON_METHOD, ClosureLens::invalid_json)
        .finish();
    // tower-lsp's framed reader stops for good at the first body that is not JSON; filter such
    // bodies out first so one bad message cannot end the session.
    let (filtered, sink) = tokio::io::duplex(1 << 16);
    let filter = tokio::spawn(framing::filter_invalid_json(input, sink));
    Server::new(filtered, output, socket).serve(service).await;
    filter.abort();
    shutdown.load(Ordering::SeqCst)
}

/// Parameters of `closureLens/debugText`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DebugTextParams {
    /// The document.
    pub text_document: TextDocumentIdentifier,
}

/// Reports an internal error (a caught panic) to the client's log; returns the message.
async fn log_internal_error(client: &Client, what: &str, detail: &str) -> String {
    let message = format!("closure-lens: internal error in {what}: {detail}");
    client.log_message(MessageType::ERROR, &message).await;
    message
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

impl ClosureLens {
    fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Self {
        ClosureLens {
            client,
            docs: Arc::new(DashMap::new()),
            settings: Arc::new(RwLock::new(Settings::default())),
            flags: OnceLock::new(),
            shutdown_requested,
            hot: Mutex::new(VecDeque::new()),
            diagnostics_gate: Arc::new(Semaphore::new(1)),
        }
    }

    fn flags(&self) -> ClientFlags {
        self.flags.get().copied().unwrap_or_default()
    }

    fn settings(&self) -> Settings {
        read_settings(&self.settings)
    }

    fn snapshot(&self, uri: &Uri) -> Option<Arc<Document>> {
        self.docs.get(uri).map(|entry| Arc::clone(entry.value()))
    }

    /// Marks `uri` as just used; the document that falls out of the hot set drops its tree.
    /// Synchronous, and called with no map guard held.
    fn touch(&self, uri: &Uri) {
        let evicted = {
            let mut hot = self.hot.lock().unwrap_or_else(|p| p.into_inner());
            hot.retain(|u| u != uri);
            hot.push_front(uri.clone());
            if hot.len() > HOT_DOCUMENTS {
                hot.pop_back()
            } else {
                None
            }
        };
        if let Some(cold) = evicted {
            if let Some(mut entry) = self.docs.get_mut(&cold) {
                if entry.has_tree() {
                    let without = Arc::new(entry.without_tree());
                    *entry = without;
                }
            }
        }
    }

    fn forget(&self, uri: &Uri) {
        let mut hot = self.hot.lock().unwrap_or_else(|p| p.into_inner());
        hot.retain(|u| u != uri);
    }

    /// Runs `f`, turning a panic into a logged internal error.
    async fn guarded<T>(&self, what: &str, f: impl FnOnce() -> T) -> Result<T> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => Ok(value),
            Err(payload) => {
                let detail = panic_message(payload.as_ref());
                let message = log_internal_error(&self.client, what, &detail).await;
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: message.into(),
                    data: None,
                })
            }
        }
    }

    /// Runs a feature on the current snapshot of `uri`; `None` for unknown documents.
    async fn with_doc<T>(
        &self,
        what: &str,
        uri: &Uri,
        f: impl FnOnce(&Ctx) -> T,
    ) -> Result<Option<T>> {
        let Some(doc) = self.snapshot(uri) else {
            return Ok(None);
        };
        let settings = self.settings().over(&doc.project);
        let encoding = self.flags().encoding;
        self.guarded(what, || {
            let ctx = Ctx::new(&doc, encoding, &settings);
            f(&ctx)
        })
        .await
        .map(Some)
    }

    /// Pushes diagnostics for `version` of `uri` after `delay`, unless a newer version arrives.
    fn schedule_diagnostics(&self, uri: Uri, version: i32, delay: Duration) {
        let flags = self.flags();
        if flags.pull_diagnostics {
            return;
        }
        let docs = Arc::clone(&self.docs);
        let settings = Arc::clone(&self.settings);
        let client = self.client.clone();
        let gate = Arc::clone(&self.diagnostics_gate);
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let Ok(_permit) = gate.acquire_owned().await else {
                return;
            };
            let current = |docs: &DashMap<Uri, Arc<Document>>| {
                docs.get(&uri)
                    .map(|d| Arc::clone(d.value()))
                    .filter(|d| d.version == version)
            };
            let Some(doc) = current(&docs) else {
                return;
            };
            let settings = read_settings(&settings).over(&doc.project);
            let computed = tokio::task::spawn_blocking(move || {
                catch_unwind(AssertUnwindSafe(|| {
                    let ctx = Ctx::new(&doc, flags.encoding, &settings);
                    ide::diagnostics::diagnostics(&ctx.file(), ctx.settings)
                        .into_iter()
                        .map(|d| to_proto::diagnostic(&ctx, d))
                        .collect()
                }))
                .map_err(|p| panic_message(p.as_ref()))
            })
            .await;
            match computed {
                Ok(Ok(items)) => {
                    if current(&docs).is_some() {
                        client.publish_diagnostics(uri, items, Some(version)).await;
                    }
                }
                Ok(Err(detail)) => {
                    log_internal_error(&client, "diagnostics", &detail).await;
                }
                Err(_) => {}
            }
        });
    }

    /// Re-resolves each document's Python version after a settings change.
    fn reanalyze_all(&self, settings: &Settings) {
        let snapshot: Vec<Arc<Document>> =
            self.docs.iter().map(|e| Arc::clone(e.value())).collect();
        for doc in snapshot {
            let version = settings.effective_version(doc.project.python_version);
            if version != doc.python_version {
                self.docs
                    .insert(doc.uri.clone(), Arc::new(doc.with_python_version(version)));
            }
            self.schedule_diagnostics(doc.uri.clone(), doc.version, Duration::ZERO);
        }
    }

    async fn log_problems(&self, problems: Vec<String>) {
        for problem in problems {
            self.client
                .log_message(MessageType::WARNING, format!("closure-lens: {problem}"))
                .await;
        }
    }

    /// `closureLens/debugText` (for tests): the server's text and version of a document, and how
    /// many analyses the process has run so far.
    async fn debug_text(&self, params: DebugTextParams) -> Result<Value> {
        Ok(match self.snapshot(&params.text_document.uri) {
            Some(doc) => json!({
                "version": doc.version,
                "text": doc.text,
                "analyses": crate::lsp::documents::ANALYSES.load(Ordering::Relaxed),
            }),
            None => Value::Null,
        })
    }

    /// A message whose body was not JSON (see [`framing`]): logged and otherwise ignored.
    async fn invalid_json(&self) {
        self.client
            .log_message(
                MessageType::ERROR,
                "closure-lens: ignored a message whose body is not valid JSON",
            )
            .await;
    }

    /// `closureLens/debugPanic` (for tests, only with `CLOSURE_LENS_DEBUG=1`): panics in a handler.
    async fn debug_panic(&self, _params: Value) -> Result<Value> {
        if std::env::var_os(DEBUG_ENV).is_none_or(|v| v != "1") {
            return Err(Error::method_not_found());
        }
        self.guarded("closureLens/debugPanic", || -> Value {
            panic!("deliberate panic requested by closureLens/debugPanic")
        })
        .await
    }
}

fn read_settings(settings: &RwLock<Settings>) -> Settings {
    match settings.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
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
        pull_configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
    }
}

impl LanguageServer for ClosureLens {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let flags = negotiate(&params);
        let _ = self.flags.set(flags);
        let problems = match &params.initialization_options {
            Some(options) => match self.settings.write() {
                Ok(mut settings) => settings.update(options),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        self.log_problems(problems).await;
        let diagnostic_provider = flags.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("closure-lens".into()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        });
        Ok(InitializeResult {
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
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![to_proto::SHOW_CAPTURES.into()],
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                diagnostic_provider,
                ..ServerCapabilities::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client
            .log_message(
                MessageType::INFO,
                format!("closure-lens {} ready", env!("CARGO_PKG_VERSION")),
            )
            .await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let settings = self.settings();
        let uri = item.uri.clone();
        let version = item.version;
        // Only real files have a project around them (not `untitled:` buffers and the like).
        let is_file = item.uri.scheme().as_str().eq_ignore_ascii_case("file");
        let directory = item
            .uri
            .to_file_path()
            .filter(|p| is_file && p.is_absolute())
            .and_then(|p| p.parent().map(|d| d.to_path_buf()));
        let project = match directory.map(|d| config::project_config(&d)) {
            Some(Ok(project)) => project,
            Some(Err(problem)) => {
                self.log_problems(vec![format!("ignoring [tool.closure-lens]: {problem}")])
                    .await;
                ProjectConfig::default()
            }
            None => ProjectConfig::default(),
        };
        let opened = catch_unwind(AssertUnwindSafe(|| {
            let mut doc = Document::new(
                item.uri.clone(),
                item.version,
                item.text,
                settings.effective_version(project.python_version),
            );
            doc.project = Arc::new(project);
            self.docs.insert(item.uri, Arc::new(doc));
            self.touch(&uri);
        }));
        match opened {
            Ok(()) => self.schedule_diagnostics(uri, version, Duration::ZERO),
            Err(p) => {
                log_internal_error(&self.client, "didOpen", &panic_message(p.as_ref())).await;
            }
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.flags().encoding;
        // Synchronous until the document is back in the map: edits apply in wire order.
        let Some((_, doc)) = self.docs.remove(&uri) else {
            self.client
                .log_message(
                    MessageType::WARNING,
                    format!(
                        "closure-lens: didChange for a document that is not open: {}",
                        uri.as_str()
                    ),
                )
                .await;
            return;
        };
        let mut doc = Arc::unwrap_or_clone(doc);
        let applied = catch_unwind(AssertUnwindSafe(|| {
            doc.apply_changes(
                params.text_document.version,
                &params.content_changes,
                encoding,
            )
        }));
        if applied.is_err() {
            doc.reparse_from_scratch();
        }
        let version = doc.version;
        self.docs.insert(uri.clone(), Arc::new(doc));
        self.touch(&uri);
        match applied {
            Ok(()) => self.schedule_diagnostics(uri, version, DIAGNOSTICS_DELAY),
            Err(p) => {
                log_internal_error(&self.client, "didChange", &panic_message(p.as_ref())).await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.forget(&uri);
        if self.docs.remove(&uri).is_some() && !self.flags().pull_diagnostics {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut value = params.settings;
        if !value.is_object() && self.flags().pull_configuration {
            // The pull model: the notification only says "something changed"; ask for our section.
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("closureLens".into()),
            };
            if let Ok(mut answer) = self.client.configuration(vec![item]).await {
                if !answer.is_empty() {
                    value = answer.swap_remove(0);
                }
            }
        }
        let (problems, settings) = match self.settings.write() {
            Ok(mut guard) => (guard.update(&value), guard.clone()),
            Err(_) => (Vec::new(), Settings::default()),
        };
        self.reanalyze_all(&settings);
        let flags = self.flags();
        let client = self.client.clone();
        // Refresh requests wait for the client's answer: do not hold up this handler's slot.
        tokio::spawn(async move {
            if flags.inlay_hint_refresh {
                let _ = client.inlay_hint_refresh().await;
            }
            if flags.code_lens_refresh {
                let _ = client.code_lens_refresh().await;
            }
            if flags.pull_diagnostics && flags.diagnostic_refresh {
                let _ = client.workspace_diagnostic_refresh().await;
            }
        });
        self.log_problems(problems).await;
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.settings().inlay_hints {
            return Ok(Some(Vec::new()));
        }
        self.with_doc("inlayHint", &params.text_document.uri, |ctx| {
            let range = ctx.text_range(params.range);
            ide::inlay_hints::inlay_hints(&ctx.file(), range, ctx.settings)
                .into_iter()
                .map(|h| to_proto::inlay_hint(ctx, h))
                .collect()
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.with_doc("hover", &at.text_document.uri, |ctx| {
            ide::hover::hover(&ctx.file(), ctx.offset(at.position)).map(|h| to_proto::hover(ctx, h))
        })
        .await
        .map(Option::flatten)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if !self.settings().code_lens {
            return Ok(Some(Vec::new()));
        }
        self.with_doc("codeLens", &params.text_document.uri, |ctx| {
            ide::code_lens::code_lenses(&ctx.file(), ctx.settings)
                .into_iter()
                .map(|l| to_proto::code_lens(ctx, l))
                .collect()
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.with_doc("documentHighlight", &at.text_document.uri, |ctx| {
            ide::highlights::highlights(&ctx.file(), ctx.offset(at.position))
                .into_iter()
                .map(|h| to_proto::highlight(ctx, h))
                .collect()
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let found = self
            .with_doc("definition", &at.text_document.uri, |ctx| {
                ide::definition::definitions(&ctx.file(), ctx.offset(at.position))
                    .into_iter()
                    .map(|r| ctx.location(r))
                    .collect::<Vec<_>>()
            })
            .await?;
        Ok(found
            .filter(|locations| !locations.is_empty())
            .map(GotoDefinitionResponse::Array))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let items = self
            .with_doc("diagnostic", &params.text_document.uri, |ctx| {
                ide::diagnostics::diagnostics(&ctx.file(), ctx.settings)
                    .into_iter()
                    .map(|d| to_proto::diagnostic(ctx, d))
                    .collect()
            })
            .await?
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command == to_proto::SHOW_CAPTURES {
            // The editor extension shows the locations; the server has nothing to do.
            Ok(None)
        } else {
            Err(Error::invalid_params(format!(
                "unknown command {:?}",
                params.command
            )))
        }
    }
}
