//! `$/cancelRequest`: a queued request is answered `RequestCancelled` now, a running one when it
//! finishes.

use ls_types::notification::Cancel;
use ls_types::{CancelParams, NumberOrString};

use super::NotificationHandler;
use crate::lsp::jsonrpc::RequestId;
use crate::lsp::server::Server;

impl NotificationHandler for Cancel {
    fn run(server: &mut Server, params: CancelParams) {
        let id = match params.id {
            NumberOrString::Number(n) => RequestId::Int(i64::from(n)),
            NumberOrString::String(s) => RequestId::Str(s),
        };
        server.cancel(id);
    }
}
