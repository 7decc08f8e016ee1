//! The language server: LSP glue between editors and the analysis.
//!
//! - [`server`]: the `LanguageServer` implementation (handlers, capabilities, panic isolation).
//! - [`documents`]: open documents as versioned snapshots.
//! - [`context`]: what one request works on.
//! - [`to_proto`]: `ide` results as LSP types.
//! - [`framing`]: keeps one non-JSON message from ending the session.
//! - [`convert`]: LSP positions <-> byte offsets.

pub mod context;
pub mod convert;
pub mod documents;
pub mod framing;
pub mod server;
pub mod to_proto;

use std::process::ExitCode;

/// Serves LSP over stdin/stdout until the client exits: status 0 after `shutdown` + `exit`,
/// 1 when the client exits or disconnects without `shutdown`.
pub fn run_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("closure-lens: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let clean = runtime.block_on(server::serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for stray blocking tasks (e.g. a diagnostics computation) on the way out.
    runtime.shutdown_background();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
