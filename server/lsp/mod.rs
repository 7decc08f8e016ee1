//! The language server: the only place that knows LSP and JSON-RPC.
//!
//! - [`transport`]: `Content-Length` framing that survives any byte stream; the writer thread.
//! - [`jsonrpc`]: messages, error codes, and what counts as a valid message.
//! - [`server`]: the main loop (state, dispatch, lifecycle, cancellation, time budgets, timers).
//! - [`scheduler`]: worker lanes for parsing, analysis and feature computation.
//! - [`handlers`]: one handler per LSP method.
//! - [`documents`]: open documents as versioned snapshots.
//! - [`context`]: what one request works on.
//! - [`modules`]: open documents as modules of the workspace (buffers win over the disk).
//! - [`to_proto`]: `ide` results as LSP types.
//! - [`sent`]: the semantic tokens and pull diagnostics last sent per document (for deltas and
//!   unchanged reports).
//! - [`convert`]: LSP positions <-> byte offsets.
//! - [`probe`]: statistics and injected panics for in-process tests.

pub mod context;
pub mod convert;
pub mod documents;
pub mod handlers;
pub mod jsonrpc;
pub mod modules;
pub mod probe;
pub mod scheduler;
pub mod sent;
pub mod server;
pub mod to_proto;
pub mod transport;

use std::process::ExitCode;

pub use server::{Options, serve};

/// Serves LSP over stdin/stdout until the client exits: status 0 after `shutdown` + `exit`,
/// 1 when the client exits or disconnects without `shutdown`.
pub fn run_stdio(options: Options) -> ExitCode {
    let clean = serve(std::io::stdin(), transport::raw_stdout(), options);
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
