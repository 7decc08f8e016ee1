//! One handler per LSP method, dispatched by [`Server`](crate::lsp::server::Server) on its type.
//!
//! Three kinds, as in ruff's server:
//! - [`SyncRequestHandler`]: answered on the main loop (lifecycle, commands; cheap);
//! - [`DocumentRequestHandler`]: answered by a worker from a [`Snapshot`] of one document;
//! - [`NotificationHandler`]: run on the main loop, in wire order (document sync, settings).
//!
//! Handlers stay thin: parameters → snapshot → a feature function → result.

pub mod cancel;
pub mod code_action;
pub mod code_lens;
pub mod definition;
pub mod diagnostic;
pub mod did_change;
pub mod did_change_configuration;
pub mod did_change_watched_files;
pub mod did_close;
pub mod did_open;
pub mod document_highlight;
pub mod execute_command;
pub mod hover;
pub mod initialize;
pub mod initialized;
pub mod inlay_hint;
pub mod prepare_rename;
pub mod references;
pub mod rename;
pub mod semantic_tokens_delta;
pub mod semantic_tokens_full;
pub mod semantic_tokens_range;
pub mod shutdown;

use ls_types::Uri;
use ls_types::notification::Notification;
use ls_types::request::Request;
use serde::Serialize;

use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::{Server, Snapshot};

/// A request answered on the main loop.
pub trait SyncRequestHandler: Request {
    /// Computes the answer.
    fn run(server: &mut Server, params: Self::Params) -> Result<Self::Result, ResponseError>;
}

/// A request about one document, answered by a worker.
pub trait DocumentRequestHandler: Request {
    /// What it answers: the protocol's result type (`Self::Result`), or a type that serialises
    /// the same way more cheaply.
    type Answer: Serialize + Send + 'static;
    /// The document the request is about.
    fn document(params: &Self::Params) -> &Uri;
    /// The answer when that document is not open (or too large to analyse).
    fn not_open() -> Self::Answer;
    /// Computes the answer on a snapshot (or the error to answer, e.g. a refused rename).
    fn run(snapshot: &Snapshot, params: Self::Params) -> Result<Self::Answer, ResponseError>;
}

/// A notification handled on the main loop.
pub trait NotificationHandler: Notification {
    /// Handles it.
    fn run(server: &mut Server, params: Self::Params);
}

/// The first `limit` items at most (a whole-document answer must stay bounded).
pub fn budget<T>(items: impl IntoIterator<Item = T>, limit: usize) -> Vec<T> {
    items.into_iter().take(limit).collect()
}
