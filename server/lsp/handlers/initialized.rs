//! `initialized`: says hello in the client's log.

use ls_types::notification::Initialized;
use ls_types::{InitializedParams, MessageType};

use super::NotificationHandler;
use crate::lsp::server::Server;

impl NotificationHandler for Initialized {
    fn run(server: &mut Server, _params: InitializedParams) {
        let message = format!("closure-lens {} ready", env!("CARGO_PKG_VERSION"));
        server.log(MessageType::INFO, message);
    }
}
