//! The server core: one main loop that owns all state, fed by one event channel.
//!
//! Threads and queues:
//! - the **reader** ([`transport::FrameReader`]) turns the input into [`Event`]s, in wire order;
//! - the **main loop** ([`Server::run`]) handles events one at a time: lifecycle, document edits
//!   (cheap: text and line index only), settings, cancellation, timers; it never parses or
//!   analyses;
//! - **workers** ([`Scheduler`]) compute request answers and background work on document
//!   snapshots; a worker hands its answer to the writer itself and tells the main loop it is
//!   done, and sends other results back as events; a disposal thread frees replaced document
//!   versions (a big analysis takes long to free);
//! - the **writer** ([`transport::Writer`]) writes outgoing messages.
//!
//! Invariants:
//! - Edits apply in wire order: the reader sends events in order, and only the main loop edits.
//! - Every request gets exactly one response: its answer, or `ContentModified` when an edit
//!   superseded it before a worker started it, `RequestCancelled` after `$/cancelRequest`,
//!   `RequestFailed` when its time budget ran out, `InternalError` after a panic. A request a
//!   worker already started answers for the version it saw.
//! - One panic policy ([`guarded`]): a panic anywhere in a handler or in background work is
//!   caught, logged with `window/logMessage`, and (for a request) answered with `InternalError`.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ls_types::notification::{
    Cancel, DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles,
    DidCloseTextDocument, DidOpenTextDocument, Exit, Initialized, LogMessage,
    Notification as LspNotification, PublishDiagnostics, ShowMessage,
};
use ls_types::request::{
    CodeActionRequest, CodeLensRequest, DocumentDiagnosticRequest, DocumentHighlightRequest,
    ExecuteCommand, GotoDefinition, HoverRequest, Initialize, InlayHintRequest,
    PrepareRenameRequest, References, Rename, Request as LspRequest,
    SemanticTokensFullDeltaRequest, SemanticTokensFullRequest, SemanticTokensRangeRequest,
    Shutdown,
};
use ls_types::{LogMessageParams, MessageType, PublishDiagnosticsParams, ShowMessageParams, Uri};
use serde::Serialize;
use serde_json::Value;

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::ide::decorators::{ModuleFile, decorator_imports};
use crate::line_index::Encoding;
use crate::lsp::context::Ctx;
use crate::lsp::documents::{DEFAULT_KEEP_TREE_LIMIT, Document};
use crate::lsp::handlers::{self, DocumentRequestHandler, NotificationHandler, SyncRequestHandler};
use crate::lsp::jsonrpc::{
    self, Message, Notification, Rejection, Request, RequestId, Response, ResponseError, code,
};
use crate::lsp::modules::{self, OpenFiles};
use crate::lsp::probe::{Probe, Query};
use crate::lsp::scheduler::{Lane, Priority, Scheduler, Ticket, Withdrawn};
use crate::lsp::sent::{SentReports, SentTokens};
use crate::lsp::to_proto;
use crate::lsp::transport::{DEFAULT_MAX_MESSAGE_SIZE, Frame, FrameReader, Writer};
use crate::workspace::{RealFs, Roots, Workspace};

/// How many recently opened or edited documents keep their syntax tree (the rest drop it).
const HOT_DOCUMENTS: usize = 3;

/// Limits and knobs of one server (the `serve` command's flags set some of them).
#[derive(Clone)]
pub struct Options {
    /// The largest message body accepted; larger ones are answered with an error, unread.
    pub max_message_size: usize,
    /// Documents larger than this are kept in sync but not analysed (the user is told).
    pub max_document_size: usize,
    /// Documents at least this large are analysed on the heavy lane (one at a time), so they
    /// never delay requests on smaller ones.
    pub heavy_document_size: usize,
    /// Documents larger than this drop their syntax tree after each analysis.
    pub keep_tree_limit: usize,
    /// How long a request may take before it is answered with `RequestFailed`.
    pub request_budget: Duration,
    /// The most items (hints, lenses, highlights, …) in one response.
    pub response_items: usize,
    /// How long after an edit diagnostics are pushed (a later edit restarts the wait).
    pub diagnostics_delay: Duration,
    /// Threads of the fast lane.
    pub fast_threads: usize,
    /// For in-process tests: statistics and injected panics.
    pub probe: Option<Arc<Probe>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_document_size: DEFAULT_MAX_MESSAGE_SIZE,
            heavy_document_size: 1 << 20,
            keep_tree_limit: DEFAULT_KEEP_TREE_LIMIT,
            request_budget: Duration::from_secs(30),
            response_items: 5_000,
            diagnostics_delay: Duration::from_millis(50),
            fast_threads: 2,
            probe: None,
        }
    }
}

/// What the main loop reacts to.
pub(crate) enum Event {
    /// A message from the client.
    Message(Message),
    /// A body or frame that is not a JSON-RPC message: answer the error.
    Rejected(Rejection),
    /// Bytes that are not a valid frame (skipped up to the next `Content-Length`), and why.
    BadFrame(String),
    /// A message larger than the maximum (skipped).
    TooLarge { claimed: u64 },
    /// The input ended.
    Eof,
    /// A worker is done with a request: it sent the answer itself, or found the request
    /// withdrawn while it ran.
    Answered { id: RequestId },
    /// Diagnostics computed for one version: the `publishDiagnostics` notification, written
    /// (off the main loop: a big file's can be megabytes), sent if the version is still current.
    Diagnostics {
        uri: Uri,
        version: i32,
        notification: Vec<u8>,
    },
    /// The first stage of a document's analysis is done: its diagnostics can be computed.
    FirstStage { uri: Uri, version: i32 },
    /// A document's analysis is done: warm its chunk cache, and read ahead the modules its
    /// decorators come from (first after the analysis, so that neither delays the first
    /// answers).
    Analysed { uri: Uri, version: i32 },
    /// Something to tell the client's log.
    Log { kind: MessageType, message: String },
    /// Something to show the user (`window/showMessage`).
    Show { kind: MessageType, message: String },
    /// A question from an in-process test.
    Query(Query),
}

/// Where the session is in the LSP lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Before `initialize`.
    Uninitialized,
    /// Serving.
    Running,
    /// After `shutdown`: only `exit` remains.
    ShuttingDown,
}

/// What the client said it supports, fixed at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientFlags {
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// `textDocument/diagnostic` supported: diagnostics are pulled, not pushed.
    pub pull_diagnostics: bool,
    /// `workspace/inlayHint/refresh` supported.
    pub inlay_hint_refresh: bool,
    /// `workspace/codeLens/refresh` supported.
    pub code_lens_refresh: bool,
    /// `workspace/diagnostic/refresh` supported.
    pub diagnostic_refresh: bool,
    /// `workspace/semanticTokens/refresh` supported.
    pub semantic_tokens_refresh: bool,
    /// Workspace edits may carry change annotations (`documentChanges` and
    /// `changeAnnotationSupport`): a rename's warnings then ask for confirmation.
    pub change_annotations: bool,
    /// `textDocument/prepareRename` supported.
    pub prepare_rename: bool,
    /// `workspace/configuration` supported.
    pub pull_configuration: bool,
    /// `workspace/didChangeWatchedFiles` may be registered dynamically.
    pub watched_files_registration: bool,
}

/// One request a worker has or will compute.
struct InFlight {
    ticket: Arc<Ticket>,
    uri: Option<Uri>,
    deadline: Instant,
    method: &'static str,
}

/// What to do with the client's response to one of our requests.
pub(crate) enum Pending {
    /// The answer to `workspace/configuration`: apply it.
    Configuration,
    /// Nothing (refresh requests).
    Ignore,
}

/// A request's view of one document version, handed to a worker.
pub struct Snapshot {
    /// The document version.
    pub doc: Arc<Document>,
    /// Settings when the request arrived.
    pub settings: Settings,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// The most items one response may hold.
    pub response_items: usize,
    /// What the client supports.
    pub flags: ClientFlags,
    /// The semantic tokens last sent for each document (for `semanticTokens/full/delta`).
    pub tokens: Arc<SentTokens>,
    /// The pull diagnostics last reported for each document (for unchanged reports).
    pub reports: Arc<SentReports>,
    /// Where to send what the user must be told.
    pub(crate) events: Sender<Event>,
    /// The other modules of the workspace.
    pub workspace: Arc<Workspace>,
    /// The open documents that are files (they win over the disk).
    pub open_files: Arc<OpenFiles>,
    /// The document's analysis without its flow facts, once asked for (see
    /// [`Snapshot::symbols_ctx`]).
    symbols: OnceLock<Arc<Analysis>>,
}

impl Snapshot {
    /// A snapshot of `doc` with the editor's `settings` over the document's project settings.
    fn new(server: &Server, doc: Arc<Document>) -> Self {
        Snapshot {
            settings: server.settings.over(&doc.project),
            doc,
            encoding: server.flags.encoding,
            response_items: server.options.response_items,
            flags: server.flags,
            tokens: Arc::clone(&server.tokens),
            reports: Arc::clone(&server.reports),
            events: server.events.clone(),
            workspace: Arc::clone(&server.workspace),
            open_files: Arc::clone(&server.open_files),
            symbols: OnceLock::new(),
        }
    }

    /// Shows `message` to the user.
    pub fn show(&self, kind: MessageType, message: String) {
        let _ = self.events.send(Event::Show { kind, message });
    }

    /// The features' context (computes the analysis if needed).
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx::new(&self.doc, self.encoding, &self.settings)
    }

    /// The context for the features that read no flow facts (hints, lenses, semantic tokens,
    /// highlights, navigation, rename): on a document just opened, it comes before the facts.
    pub fn symbols_ctx(&self) -> Ctx<'_> {
        let analysis = self.symbols.get_or_init(|| self.doc.symbols());
        Ctx::with_analysis(&self.doc, analysis, self.encoding, &self.settings)
    }

    /// The document as a module of the workspace, for the features that follow imports
    /// (`None` for a document too large for them).
    pub fn module(&self) -> Option<Arc<ModuleFile>> {
        let small = self.doc.text.len() as u64 <= crate::workspace::MAX_MODULE_SIZE;
        small.then(|| modules::document_module(&self.workspace, &self.doc))
    }

    /// The other modules, as this request sees them.
    pub fn modules(&self) -> crate::workspace::Modules<'_> {
        self.workspace
            .modules(&*self.open_files, self.doc.python_version)
    }
}

/// The main loop's state.
pub struct Server {
    pub(crate) options: Options,
    pub(crate) phase: Phase,
    pub(crate) flags: ClientFlags,
    pub(crate) settings: Settings,
    pub(crate) docs: HashMap<Uri, Arc<Document>>,
    /// Most recently opened or edited first; only these keep their trees.
    hot: VecDeque<Uri>,
    in_flight: HashMap<RequestId, InFlight>,
    /// Pushed diagnostics waiting for their debounce delay: uri → (when, version).
    diagnostics_due: HashMap<Uri, (Instant, i32)>,
    /// The queued diagnostics computation of each document (withdrawn when superseded).
    diagnostics_jobs: HashMap<Uri, Arc<Ticket>>,
    /// Opened documents whose imports are read ahead once they are analysed.
    pending_prefetch: std::collections::HashSet<Uri>,
    outgoing: HashMap<RequestId, Pending>,
    next_outgoing: i64,
    writer: Writer,
    events: Sender<Event>,
    scheduler: Scheduler,
    probe: Arc<Probe>,
    /// A `shutdown` waiting for the requests before it.
    shutdown: Option<Request>,
    /// Set by `exit`: the session is over.
    exit: Option<bool>,
    /// The semantic tokens last sent per document.
    pub(crate) tokens: Arc<SentTokens>,
    /// The pull diagnostics last reported per document.
    pub(crate) reports: Arc<SentReports>,
    /// The workspace folders (from `initialize`).
    pub(crate) folders: Vec<std::path::PathBuf>,
    /// Other modules, read on demand.
    pub(crate) workspace: Arc<Workspace>,
    /// The open documents that are files.
    pub(crate) open_files: Arc<OpenFiles>,
}

/// Serves LSP on `input`/`output` until `exit` or the end of the input. Returns whether the
/// session ended cleanly (`shutdown` before the end), i.e. exit status 0.
pub fn serve<R, W>(input: R, output: W, mut options: Options) -> bool
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let probe = options.probe.take().unwrap_or_default();
    let (events, receiver) = channel();
    if let Ok(mut slot) = probe.events.lock() {
        *slot = Some(events.clone());
    }
    let (writer, writer_thread) = Writer::spawn(output);
    spawn_reader(input, options.max_message_size, events.clone(), &probe);
    let mut server = Server {
        scheduler: Scheduler::new(options.fast_threads),
        options,
        phase: Phase::Uninitialized,
        flags: ClientFlags::default(),
        settings: Settings::default(),
        docs: HashMap::new(),
        hot: VecDeque::new(),
        in_flight: HashMap::new(),
        diagnostics_due: HashMap::new(),
        tokens: Arc::default(),
        reports: Arc::default(),
        diagnostics_jobs: HashMap::new(),
        pending_prefetch: Default::default(),
        outgoing: HashMap::new(),
        next_outgoing: 1,
        writer,
        events,
        probe: Arc::clone(&probe),
        shutdown: None,
        exit: None,
        folders: Vec::new(),
        workspace: Arc::new(Workspace::new(Arc::new(RealFs))),
        open_files: Arc::default(),
    };
    let clean = server.run(&receiver);
    if let Ok(mut slot) = probe.events.lock() {
        *slot = None;
    }
    server.scheduler.close();
    drop(server);
    // Let the writer send what is queued, but never wait long for a client that stopped reading.
    let (done, finished) = channel();
    std::thread::spawn(move || {
        let _ = writer_thread.join();
        let _ = done.send(());
    });
    let _ = finished.recv_timeout(Duration::from_secs(2));
    clean
}

fn spawn_reader<R: Read + Send + 'static>(
    input: R,
    max_size: usize,
    events: Sender<Event>,
    probe: &Arc<Probe>,
) {
    let probe = Arc::clone(probe);
    let spawned = std::thread::Builder::new()
        .name("closure-lens-reader".into())
        .spawn(move || {
            let read = guarded(|| {
                let mut reader = FrameReader::new(input, max_size);
                while let Some(frame) = reader.next_frame() {
                    let event = match frame {
                        Frame::Body(body) => match jsonrpc::parse(&body) {
                            Ok(message) => Event::Message(message),
                            Err(rejection) => Event::Rejected(rejection),
                        },
                        Frame::Invalid(why) => Event::BadFrame(why),
                        Frame::TooLarge { claimed } => Event::TooLarge { claimed },
                    };
                    if events.send(event).is_err() {
                        return;
                    }
                    probe.consumed.store(reader.consumed(), Ordering::Release);
                }
            });
            if let Err(panic) = read {
                // Nothing more can be read: say why, then end the session.
                let _ = events.send(Event::Log {
                    kind: MessageType::ERROR,
                    message: internal_error("the reader", &panic),
                });
            }
            let _ = events.send(Event::Eof);
        });
    if let Err(err) = spawned {
        panic!("cannot start the reader thread: {err}");
    }
}

/// Runs `f`, turning a panic into its message.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".into()
        }
    })
}

fn internal_error(what: &str, detail: &str) -> String {
    format!("closure-lens: internal error in {what}: {detail}")
}

impl Server {
    fn run(&mut self, events: &Receiver<Event>) -> bool {
        loop {
            let next = self.next_deadline();
            let event = match next {
                Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match event {
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return self.phase == Phase::ShuttingDown;
                }
                Ok(event) => {
                    // Handlers guard themselves; this keeps the loop alive should the glue fail.
                    if let Err(panic) = guarded(|| self.handle(event)) {
                        self.log(MessageType::ERROR, internal_error("the main loop", &panic));
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if let Some(clean) = self.exit {
                return clean;
            }
            if let Err(panic) = guarded(|| self.fire_timers()) {
                self.log(MessageType::ERROR, internal_error("the timers", &panic));
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Message(Message::Request(request)) => self.on_request(request),
            Event::Message(Message::Notification(notification)) => {
                self.on_notification(notification)
            }
            Event::Message(Message::Response(response)) => self.on_response(response),
            Event::Rejected(Rejection { id, error }) => {
                let what = if error.code == code::PARSE_ERROR {
                    "whose body is not valid JSON"
                } else {
                    "that is not a JSON-RPC request, notification or response"
                };
                self.log(
                    MessageType::ERROR,
                    format!("closure-lens: ignored a message {what}: {}", error.message),
                );
                self.writer.send(jsonrpc::error_body(id.as_ref(), &error));
            }
            Event::BadFrame(why) => {
                let message = format!("Parse error: not a valid LSP frame: {why}");
                self.log(MessageType::ERROR, format!("closure-lens: {message}"));
                let error = ResponseError::new(code::PARSE_ERROR, message);
                self.writer.send(jsonrpc::error_body(None, &error));
            }
            Event::TooLarge { claimed } => {
                let message = format!(
                    "closure-lens: ignored a message of {claimed} bytes, above the limit of {} bytes (serve --max-message-size)",
                    self.options.max_message_size
                );
                self.notify::<ShowMessage>(&ShowMessageParams {
                    typ: MessageType::WARNING,
                    message: message.clone(),
                });
                let error = ResponseError::new(code::INVALID_REQUEST, message);
                self.writer.send(jsonrpc::error_body(None, &error));
            }
            Event::Eof => {}
            Event::Answered { id } => self.on_answered(id),
            Event::Diagnostics {
                uri,
                version,
                notification,
            } => {
                if self.docs.get(&uri).is_some_and(|d| d.version == version) {
                    self.writer.send(notification);
                }
            }
            Event::FirstStage { uri, version } => self.push_diagnostics(uri, version),
            Event::Analysed { uri, version } => {
                if self.pending_prefetch.remove(&uri) {
                    self.prefetch_imports(&uri);
                }
                self.warm(uri, version);
            }
            Event::Log { kind, message } => self.log(kind, message),
            Event::Show { kind, message } => {
                self.notify::<ShowMessage>(&ShowMessageParams { typ: kind, message });
            }
            Event::Query(Query::Document { uri, reply }) => {
                let answer = (self.docs.get(&uri)).map(|d| (d.version, String::clone(&d.text)));
                let _ = reply.send(answer);
            }
        }
    }

    // ---- requests -------------------------------------------------------------------------

    fn on_request(&mut self, mut request: Request) {
        let method = request.method.as_str();
        match self.phase {
            Phase::Uninitialized if method != Initialize::METHOD => {
                return self.reply_error(
                    &request.id,
                    ResponseError::new(
                        code::SERVER_NOT_INITIALIZED,
                        "the server is not initialized",
                    ),
                );
            }
            Phase::ShuttingDown => {
                return self.reply_error(
                    &request.id,
                    ResponseError::new(code::INVALID_REQUEST, "the server is shutting down"),
                );
            }
            _ => {}
        }
        if self.in_flight.contains_key(&request.id) {
            return self.reply_error(
                &request.id,
                ResponseError::new(
                    code::INVALID_REQUEST,
                    format!("request id {} is already in use", request.id),
                ),
            );
        }
        match method {
            Initialize::METHOD => self.sync_request::<Initialize>(request),
            Shutdown::METHOD => {
                // `shutdown` takes no parameters; some clients send `{}` or `[]` anyway.
                request.params = Value::Null;
                // Answered once every request before it is answered (each has a time budget).
                self.phase = Phase::ShuttingDown;
                self.shutdown = Some(request);
                self.finish_shutdown();
            }
            ExecuteCommand::METHOD => self.sync_request::<ExecuteCommand>(request),
            HoverRequest::METHOD => self.document_request::<HoverRequest>(request),
            InlayHintRequest::METHOD => self.document_request::<InlayHintRequest>(request),
            CodeLensRequest::METHOD => self.document_request::<CodeLensRequest>(request),
            DocumentHighlightRequest::METHOD => {
                self.document_request::<DocumentHighlightRequest>(request)
            }
            GotoDefinition::METHOD => self.document_request::<GotoDefinition>(request),
            References::METHOD => self.document_request::<References>(request),
            PrepareRenameRequest::METHOD => self.document_request::<PrepareRenameRequest>(request),
            Rename::METHOD => self.document_request::<Rename>(request),
            SemanticTokensFullRequest::METHOD => {
                self.document_request::<SemanticTokensFullRequest>(request)
            }
            SemanticTokensFullDeltaRequest::METHOD => {
                self.document_request::<SemanticTokensFullDeltaRequest>(request)
            }
            SemanticTokensRangeRequest::METHOD => {
                self.document_request::<SemanticTokensRangeRequest>(request)
            }
            CodeActionRequest::METHOD => self.document_request::<CodeActionRequest>(request),
            DocumentDiagnosticRequest::METHOD => {
                self.document_request::<DocumentDiagnosticRequest>(request)
            }
            _ => {
                let error = ResponseError::new(
                    code::METHOD_NOT_FOUND,
                    format!("unknown method {:?}", request.method),
                );
                self.reply_error(&request.id, error)
            }
        }
    }

    /// A request answered on the main loop.
    fn sync_request<R: SyncRequestHandler>(&mut self, request: Request) {
        let Some(params) = self.params::<R::Params>(&request) else {
            return;
        };
        let probe = Arc::clone(&self.probe);
        match guarded(|| {
            probe.checkpoint(R::METHOD);
            R::run(self, params)
        }) {
            Ok(Ok(result)) => self.reply(&request.id, &result),
            Ok(Err(error)) => self.reply_error(&request.id, error),
            Err(panic) => self.reply_panic(&request.id, R::METHOD, &panic),
        }
    }

    /// A request answered by a worker on a snapshot of one document.
    fn document_request<R: DocumentRequestHandler>(&mut self, request: Request) {
        let Some(params) = self.params::<R::Params>(&request) else {
            return;
        };
        let id = request.id;
        let uri = R::document(&params).clone();
        let Some(doc) = self.docs.get(&uri).cloned() else {
            return self.reply(&id, &R::not_open());
        };
        if self.is_too_big(&doc) {
            return self.reply(&id, &R::not_open());
        }
        let snapshot = Snapshot::new(self, doc);
        let lane = self.lane(&snapshot.doc);
        let ticket = Arc::new(Ticket::default());
        self.in_flight.insert(
            id.clone(),
            InFlight {
                ticket: Arc::clone(&ticket),
                uri: Some(uri),
                deadline: Instant::now() + self.options.request_budget,
                method: R::METHOD,
            },
        );
        let events = self.events.clone();
        let writer = self.writer.clone();
        let probe = Arc::clone(&self.probe);
        self.scheduler.spawn(lane, Priority::Request, move || {
            if !ticket.start() {
                return;
            }
            let answer = match guarded(|| {
                probe.pass(R::METHOD);
                probe.checkpoint(R::METHOD);
                R::run(&snapshot, params)
            }) {
                Ok(Ok(result)) => jsonrpc::success_body(&id, &result).map_err(|err| {
                    ResponseError::new(code::INTERNAL_ERROR, format!("cannot serialise: {err}"))
                }),
                Ok(Err(error)) => Err(error),
                Err(panic) => {
                    let message = internal_error(R::METHOD, &panic);
                    let _ = events.send(Event::Log {
                        kind: MessageType::ERROR,
                        message: message.clone(),
                    });
                    Err(ResponseError::new(code::INTERNAL_ERROR, message))
                }
            };
            let analysed = snapshot
                .doc
                .is_analysed()
                .then(|| (snapshot.doc.uri.clone(), snapshot.doc.version));
            // Let go of the version before answering: the next keystroke, which the answer may
            // prompt, edits its analysis in place only if nothing else holds it.
            drop(snapshot);
            // Straight to the writer, unless withdrawn meanwhile: the main loop is one thread
            // hop less on the way, and only needs to hear that the request is done.
            if ticket.answer() {
                writer.send(answer.unwrap_or_else(|error| jsonrpc::error_body(Some(&id), &error)));
            }
            let _ = events.send(Event::Answered { id });
            if let Some((uri, version)) = analysed {
                let _ = events.send(Event::Analysed { uri, version });
            }
        });
    }

    /// The parameters of `request`, or `None` after answering `InvalidParams`.
    fn params<P: serde::de::DeserializeOwned>(&mut self, request: &Request) -> Option<P> {
        match serde_json::from_value(request.params.clone()) {
            Ok(params) => Some(params),
            Err(err) => {
                let error = ResponseError::new(
                    code::INVALID_PARAMS,
                    format!("invalid params for {}: {err}", request.method),
                );
                self.reply_error(&request.id, error);
                None
            }
        }
    }

    fn on_answered(&mut self, id: RequestId) {
        let Some(entry) = self.in_flight.remove(&id) else {
            // Already answered (out of time).
            return;
        };
        if entry.ticket.is_withdrawn() {
            // Cancelled while it ran.
            let error = ResponseError::new(code::REQUEST_CANCELLED, "cancelled");
            self.reply_error(&id, error);
        }
        self.finish_shutdown();
    }

    /// Answers a waiting `shutdown` once no request is in flight.
    fn finish_shutdown(&mut self) {
        if self.in_flight.is_empty() {
            if let Some(request) = self.shutdown.take() {
                self.sync_request::<Shutdown>(request);
            }
        }
    }

    /// `$/cancelRequest`.
    pub(crate) fn cancel(&mut self, id: RequestId) {
        let Some(entry) = self.in_flight.get(&id) else {
            return;
        };
        match entry.ticket.withdraw() {
            Withdrawn::WasQueued => {
                self.in_flight.remove(&id);
                let error = ResponseError::new(code::REQUEST_CANCELLED, "cancelled");
                self.reply_error(&id, error);
                self.finish_shutdown();
            }
            // Answered `RequestCancelled` when its worker is done.
            Withdrawn::WasRunning | Withdrawn::Already => {}
            // Its answer is on its way.
            Withdrawn::WasAnswered => {}
        }
    }

    /// Withdraws the queued requests on `uri`: an edit or a close made them stale.
    fn supersede(&mut self, uri: &Uri) {
        let stale: Vec<RequestId> = self
            .in_flight
            .iter()
            .filter(|(_, f)| f.uri.as_ref() == Some(uri))
            .map(|(id, _)| id.clone())
            .collect();
        for id in stale {
            let Some(entry) = self.in_flight.get(&id) else {
                continue;
            };
            if entry.ticket.withdraw_if_queued() {
                self.in_flight.remove(&id);
                let error = ResponseError::new(
                    code::CONTENT_MODIFIED,
                    "the document changed before the request was served",
                );
                self.reply_error(&id, error);
            }
        }
    }

    fn lane(&self, doc: &Document) -> Lane {
        if doc.text.len() >= self.options.heavy_document_size {
            Lane::Heavy
        } else {
            Lane::Fast
        }
    }

    // ---- notifications and responses -----------------------------------------------------

    fn on_notification(&mut self, notification: Notification) {
        let method = notification.method.as_str();
        if method == Exit::METHOD {
            self.exit = Some(self.phase == Phase::ShuttingDown);
            return;
        }
        if self.phase != Phase::Running {
            // Before `initialize` and after `shutdown`, notifications other than `exit` are dropped.
            return;
        }
        match method {
            Initialized::METHOD => self.sync_notification::<Initialized>(notification),
            DidOpenTextDocument::METHOD => {
                self.sync_notification::<DidOpenTextDocument>(notification)
            }
            DidChangeTextDocument::METHOD => {
                self.sync_notification::<DidChangeTextDocument>(notification)
            }
            DidCloseTextDocument::METHOD => {
                self.sync_notification::<DidCloseTextDocument>(notification)
            }
            DidChangeConfiguration::METHOD => {
                self.sync_notification::<DidChangeConfiguration>(notification)
            }
            DidChangeWatchedFiles::METHOD => {
                self.sync_notification::<DidChangeWatchedFiles>(notification)
            }
            Cancel::METHOD => self.sync_notification::<Cancel>(notification),
            // Unknown notifications (`$/` ones included) are ignored, as the specification allows.
            _ => {}
        }
    }

    fn sync_notification<N: NotificationHandler>(&mut self, notification: Notification) {
        let params = match serde_json::from_value::<N::Params>(notification.params) {
            Ok(params) => params,
            Err(err) => {
                return self.log(
                    MessageType::ERROR,
                    format!(
                        "closure-lens: ignored {} with invalid params: {err}",
                        N::METHOD
                    ),
                );
            }
        };
        let probe = Arc::clone(&self.probe);
        if let Err(panic) = guarded(|| {
            probe.checkpoint(N::METHOD);
            N::run(self, params)
        }) {
            self.log(MessageType::ERROR, internal_error(N::METHOD, &panic));
        }
    }

    fn on_response(&mut self, response: Response) {
        let Some(pending) = response.id.as_ref().and_then(|id| self.outgoing.remove(id)) else {
            return;
        };
        match (pending, response.result) {
            (Pending::Configuration, Ok(Value::Array(mut items))) if !items.is_empty() => {
                let value = items.swap_remove(0);
                handlers::did_change_configuration::apply(self, &value);
            }
            (_, Err(error)) => self.log(
                MessageType::WARNING,
                format!(
                    "closure-lens: the client answered a request with an error: {}",
                    error.message
                ),
            ),
            // A refresh acknowledged, or settings that are not a list: nothing to apply.
            _ => {}
        }
    }

    // ---- documents and background work ----------------------------------------------------

    /// Stores a new version of a document: queued requests on it are now stale, diagnostics are
    /// due, and it becomes hot.
    pub(crate) fn store(&mut self, doc: Document, diagnostics_delay: Duration) {
        let was_too_big = self.docs.get(&doc.uri).is_some_and(|d| self.is_too_big(d));
        self.store_next(doc, diagnostics_delay, was_too_big);
    }

    /// The open document at `uri`, taken out to be edited into its next version (then given back
    /// with [`Self::store_next`]): the stored version itself when nothing else holds it, so its
    /// text is not copied; else a copy, and the jobs keep the version they read.
    pub(crate) fn take_document(&mut self, uri: &Uri) -> Option<Document> {
        let doc = self.docs.remove(uri)?;
        Arc::make_mut(&mut self.open_files).close(uri);
        Some(Arc::try_unwrap(doc).unwrap_or_else(|shared| {
            let copy = Document::clone(&shared);
            self.scheduler.dispose(shared);
            copy
        }))
    }

    /// Whether `doc` is too large to analyse (`serve --max-document-size`).
    pub(crate) fn is_too_big(&self, doc: &Document) -> bool {
        doc.text.len() > self.options.max_document_size
    }

    /// Frees `value` off the main loop.
    pub(crate) fn dispose(&self, value: impl Send + 'static) {
        self.scheduler.dispose(value);
    }

    /// Lets go of a reference to a version's analysis or outline: at once when another holds it
    /// too (only a count goes down), so that the next version's, made from the other, finds it
    /// unshared and edits it in place instead of copying it; else frees it off the main loop.
    pub(crate) fn release_shared<T: Send + Sync + 'static>(&self, shared: Arc<T>) {
        if let Ok(value) = Arc::try_unwrap(shared) {
            self.dispose(value);
        }
    }

    /// Frees a module taken out of the workspace cache off the main loop, letting go of its
    /// analysis and outline as [`Self::release_shared`] does.
    pub(crate) fn release_module(&self, module: Arc<ModuleFile>) {
        if let Ok(mut module) = Arc::try_unwrap(module) {
            self.release_shared(std::mem::take(&mut module.analysis));
            self.release_shared(std::mem::take(&mut module.outline));
            self.dispose(module);
        }
    }

    /// [`Self::store`] for the next version of a document taken out with
    /// [`Self::take_document`]; `was_too_big` tells whether the version before was too large.
    pub(crate) fn store_next(
        &mut self,
        doc: Document,
        diagnostics_delay: Duration,
        was_too_big: bool,
    ) {
        let uri = doc.uri.clone();
        let version = doc.version;
        let too_big = self.is_too_big(&doc);
        let doc = Arc::new(doc);
        Arc::make_mut(&mut self.open_files).store(&doc);
        if let Some(old) = self.docs.insert(uri.clone(), doc) {
            self.scheduler.dispose(old);
        }
        self.supersede(&uri);
        self.touch(&uri);
        if too_big && !was_too_big {
            let message = format!(
                "closure-lens: {} is larger than {} bytes (serve --max-document-size): it is not analysed",
                uri.as_str(),
                self.options.max_document_size
            );
            self.notify::<ShowMessage>(&ShowMessageParams {
                typ: MessageType::WARNING,
                message,
            });
        }
        self.schedule_diagnostics(uri, version, diagnostics_delay);
    }

    /// Forgets a closed document.
    pub(crate) fn close(&mut self, uri: &Uri) {
        self.hot.retain(|u| u != uri);
        self.tokens.forget(uri);
        self.reports.forget(uri);
        self.diagnostics_due.remove(uri);
        if let Some(ticket) = self.diagnostics_jobs.remove(uri) {
            ticket.withdraw();
        }
        Arc::make_mut(&mut self.open_files).close(uri);
        self.pending_prefetch.remove(uri);
        if let Some(old) = self.docs.remove(uri) {
            self.scheduler.dispose(old);
            self.supersede(uri);
            if !self.flags.pull_diagnostics {
                self.notify::<PublishDiagnostics>(&PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
    }

    /// Marks `uri` as just used; the document that falls out of the hot set drops its tree.
    fn touch(&mut self, uri: &Uri) {
        self.hot.retain(|u| u != uri);
        self.hot.push_front(uri.clone());
        if let Some(doc) = self.docs.get(uri) {
            doc.go_hot();
        }
        if self.hot.len() > HOT_DOCUMENTS {
            if let Some(cold) = self.hot.pop_back() {
                if let Some(doc) = self.docs.get(&cold) {
                    doc.go_cold();
                }
            }
        }
    }

    /// Pushes diagnostics for `version` of `uri` after `delay`, unless a newer version arrives.
    /// A client that pulls them gets the version analysed then instead (see
    /// [`Self::push_diagnostics`]).
    pub(crate) fn schedule_diagnostics(&mut self, uri: Uri, version: i32, delay: Duration) {
        self.diagnostics_due
            .insert(uri, (Instant::now() + delay, version));
    }

    /// Finds the diagnostics of `version` of `uri` in the background and pushes them. For a
    /// client that pulls them, only analyses the version: the next keystroke's re-analysis
    /// starts from it, though the client may not have asked for anything that needed it yet.
    fn push_diagnostics(&mut self, uri: Uri, version: i32) {
        let Some(doc) = self
            .docs
            .get(&uri)
            .filter(|d| d.version == version)
            .cloned()
        else {
            return;
        };
        if let Some(previous) = self.diagnostics_jobs.remove(&uri) {
            previous.withdraw();
        }
        let pushed = !self.flags.pull_diagnostics;
        if self.is_too_big(&doc) || pushed && !self.settings.diagnostics {
            if pushed {
                self.notify::<PublishDiagnostics>(&PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: Some(version),
                });
            }
            return;
        }
        let ticket = Arc::new(Ticket::default());
        self.diagnostics_jobs
            .insert(uri.clone(), Arc::clone(&ticket));
        let lane = self.lane(&doc);
        let events = self.events.clone();
        if doc.awaits_first_stage() {
            // The first stage of the analysis on its own: the requests that arrive meanwhile
            // (an editor asks for hints and tokens right after opening) go before the
            // diagnostics, which wait for the whole analysis.
            self.scheduler.spawn(lane, Priority::Background, move || {
                if ticket.start() && guarded(|| doc.symbols()).is_ok() {
                    let _ = events.send(Event::FirstStage { uri, version });
                }
            });
            return;
        }
        if !pushed {
            self.scheduler.spawn(lane, Priority::Background, move || {
                if ticket.start() && guarded(|| doc.analysis().scopes.len()).is_ok() {
                    drop(doc);
                    let _ = events.send(Event::Analysed { uri, version });
                }
            });
            return;
        }
        let snapshot = Snapshot::new(self, doc);
        let probe = Arc::clone(&self.probe);
        self.scheduler.spawn(lane, Priority::Background, move || {
            if !ticket.start() {
                return;
            }
            // The snapshot moves into the computation and is dropped before the push (see the
            // request jobs).
            let published = uri.clone();
            match guarded(move || {
                probe.checkpoint("diagnostics");
                let ctx = snapshot.ctx();
                let params = to_proto::Publish {
                    uri: published,
                    diagnostics: to_proto::diagnostics(&ctx, &ctx.diagnostics()),
                    version: Some(version),
                };
                jsonrpc::call_body(None, PublishDiagnostics::METHOD, &params)
            }) {
                Ok(Ok(notification)) => {
                    let _ = events.send(Event::Diagnostics {
                        uri: uri.clone(),
                        version,
                        notification,
                    });
                }
                Ok(Err(error)) => {
                    let _ = events.send(Event::Log {
                        kind: MessageType::ERROR,
                        message: format!("diagnostics of {}: {error}", uri.as_str()),
                    });
                }
                Err(panic) => {
                    let _ = events.send(Event::Log {
                        kind: MessageType::ERROR,
                        message: internal_error("diagnostics", &panic),
                    });
                }
            }
            let _ = events.send(Event::Analysed { uri, version });
        });
    }

    fn warm(&mut self, uri: Uri, version: i32) {
        let Some(doc) = self.docs.get(&uri).filter(|d| d.version == version) else {
            return;
        };
        if !doc.wants_warm() {
            return;
        }
        let warm_up = doc.warm_up();
        let events = self.events.clone();
        self.scheduler
            .spawn(Lane::WarmUp, Priority::Background, move || {
                if let Err(panic) = guarded(move || warm_up.run()) {
                    let _ = events.send(Event::Log {
                        kind: MessageType::ERROR,
                        message: internal_error("warm-up", &panic),
                    });
                }
            });
    }

    /// Recomputes where imports are looked for (after `initialize` or a settings change).
    pub(crate) fn update_roots(&mut self) {
        let venv = std::env::var_os("VIRTUAL_ENV").map(std::path::PathBuf::from);
        let roots = Roots::new(
            self.workspace.fs(),
            &self.folders,
            &self.settings.extra_paths,
            venv.as_deref(),
        );
        self.workspace.set_roots(roots);
    }

    /// Reads ahead the modules the document at `uri` imports once it is analysed (the first
    /// answers about it wait for nothing else).
    pub(crate) fn prefetch_after_analysis(&mut self, uri: Uri) {
        if self.docs.get(&uri).is_some_and(|d| d.is_analysed()) {
            self.prefetch_imports(&uri);
        } else {
            self.pending_prefetch.insert(uri);
        }
    }

    /// Reads the modules the document at `uri` imports, in the background: the first hover on
    /// an imported decorator then finds them analysed. The job holds neither the document's
    /// version nor the open files with it (the next keystroke edits the version's analysis in
    /// place), and runs on the warm-up lane (the keystroke does not wait for it).
    pub(crate) fn prefetch_imports(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let Some(path) = modules::file_path(uri) else {
            return;
        };
        if self.is_too_big(doc) || doc.text.len() as u64 > crate::workspace::MAX_MODULE_SIZE {
            return;
        }
        let doc = doc.detached();
        let open_files = self.open_files.without(&path);
        let events = self.events.clone();
        let workspace = Arc::clone(&self.workspace);
        let probe = Arc::clone(&self.probe);
        self.scheduler
            .spawn(Lane::WarmUp, Priority::Background, move || {
                let read = guarded(|| {
                    probe.pass("prefetch");
                    let outline = doc.outline();
                    let imports = decorator_imports(&outline, &doc.text);
                    workspace.prefetch(Some(&path), &imports, &open_files, doc.python_version);
                });
                if let Err(panic) = read {
                    let _ = events.send(Event::Log {
                        kind: MessageType::ERROR,
                        message: internal_error("reading imported modules", &panic),
                    });
                }
            });
    }

    /// Re-resolves each document's Python version after a settings change.
    pub(crate) fn reanalyze_all(&mut self) {
        let docs: Vec<Arc<Document>> = self.docs.values().cloned().collect();
        for doc in docs {
            let version = self.settings.effective_version(doc.project.python_version);
            if version != doc.python_version {
                let new = Arc::new(doc.with_python_version(version));
                if let Some(old) = self.docs.insert(doc.uri.clone(), new) {
                    self.scheduler.dispose(old);
                }
                self.supersede(&doc.uri);
            }
            self.schedule_diagnostics(doc.uri.clone(), doc.version, Duration::ZERO);
        }
    }

    // ---- timers ---------------------------------------------------------------------------

    fn next_deadline(&self) -> Option<Instant> {
        let requests = self.in_flight.values().map(|f| f.deadline);
        let diagnostics = self.diagnostics_due.values().map(|(at, _)| *at);
        requests.chain(diagnostics).min()
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        let due: Vec<(Uri, i32)> = self
            .diagnostics_due
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(uri, (_, version))| (uri.clone(), *version))
            .collect();
        for (uri, version) in due {
            self.diagnostics_due.remove(&uri);
            self.push_diagnostics(uri, version);
        }
        let late: Vec<RequestId> = self
            .in_flight
            .iter()
            .filter(|(_, f)| f.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in late {
            if let Some(entry) = self.in_flight.remove(&id) {
                if entry.ticket.withdraw() == Withdrawn::WasAnswered {
                    continue;
                }
                let message = format!(
                    "{} did not finish within {} s",
                    entry.method,
                    self.options.request_budget.as_secs_f64()
                );
                self.log(MessageType::WARNING, format!("closure-lens: {message}"));
                self.reply_error(&id, ResponseError::new(code::REQUEST_FAILED, message));
            }
        }
        self.finish_shutdown();
    }

    /// The counters this server's documents update.
    pub(crate) fn stats(&self) -> Arc<crate::lsp::documents::Stats> {
        Arc::clone(&self.probe.stats)
    }

    // ---- output -----------------------------------------------------------------------------

    fn reply<T: Serialize>(&mut self, id: &RequestId, result: &T) {
        match jsonrpc::success_body(id, result) {
            Ok(body) => self.writer.send(body),
            Err(err) => {
                let error =
                    ResponseError::new(code::INTERNAL_ERROR, format!("cannot serialise: {err}"));
                self.reply_error(id, error);
            }
        }
    }

    fn reply_error(&mut self, id: &RequestId, error: ResponseError) {
        self.writer.send(jsonrpc::error_body(Some(id), &error));
    }

    fn reply_panic(&mut self, id: &RequestId, what: &str, panic: &str) {
        let message = internal_error(what, panic);
        self.log(MessageType::ERROR, message.clone());
        self.reply_error(id, ResponseError::new(code::INTERNAL_ERROR, message));
    }

    /// Sends a notification to the client.
    pub(crate) fn notify<N: LspNotification>(&mut self, params: &N::Params) {
        if let Ok(body) = jsonrpc::call_body(None, N::METHOD, params) {
            self.writer.send(body);
        }
    }

    /// Sends a request to the client; its response is handled as `pending` says.
    pub(crate) fn request_client<R: LspRequest>(&mut self, params: &R::Params, pending: Pending) {
        let id = RequestId::Int(self.next_outgoing);
        self.next_outgoing += 1;
        if let Ok(body) = jsonrpc::call_body(Some(&id), R::METHOD, params) {
            self.outgoing.insert(id, pending);
            self.writer.send(body);
        }
    }

    /// `window/logMessage`.
    pub(crate) fn log(&mut self, kind: MessageType, message: String) {
        self.notify::<LogMessage>(&LogMessageParams { typ: kind, message });
    }
}
