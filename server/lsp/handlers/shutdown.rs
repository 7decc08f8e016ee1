//! `shutdown`: from now on only `exit` is served (with status 0). The main loop answers it once
//! every request sent before it has been answered.

use ls_types::request::Shutdown;

use super::SyncRequestHandler;
use crate::lsp::jsonrpc::ResponseError;
use crate::lsp::server::{Phase, Server};

impl SyncRequestHandler for Shutdown {
    fn run(server: &mut Server, _params: ()) -> Result<(), ResponseError> {
        server.phase = Phase::ShuttingDown;
        Ok(())
    }
}
