//! `workspace/executeCommand`: the lens command is shown by the editor; nothing to do here.

use ls_types::request::ExecuteCommand;
use ls_types::{ExecuteCommandParams, LSPAny};

use super::SyncRequestHandler;
use crate::lsp::jsonrpc::{ResponseError, code};
use crate::lsp::server::Server;
use crate::lsp::to_proto;

impl SyncRequestHandler for ExecuteCommand {
    fn run(
        _server: &mut Server,
        params: ExecuteCommandParams,
    ) -> Result<Option<LSPAny>, ResponseError> {
        if params.command == to_proto::SHOW_CAPTURES {
            Ok(None)
        } else {
            Err(ResponseError::new(
                code::INVALID_PARAMS,
                format!("unknown command {:?}", params.command),
            ))
        }
    }
}
