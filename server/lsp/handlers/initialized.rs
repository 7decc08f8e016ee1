//! `initialized`: says hello in the client's log, and asks to be told of Python files changed
//! on disk (`workspace/didChangeWatchedFiles`, registered dynamically when the client can).

use ls_types::notification::{DidChangeWatchedFiles, Initialized, Notification};
use ls_types::request::RegisterCapability;
use ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializedParams,
    MessageType, Registration, RegistrationParams,
};

use super::NotificationHandler;
use crate::lsp::server::{Pending, Server};

impl NotificationHandler for Initialized {
    fn run(server: &mut Server, _params: InitializedParams) {
        let message = format!("closure-lens {} ready", env!("CARGO_PKG_VERSION"));
        server.log(MessageType::INFO, message);
        if server.flags.watched_files_registration {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.py".into()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "closure-lens-watched-files".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            };
            server.request_client::<RegisterCapability>(
                &RegistrationParams {
                    registrations: vec![registration],
                },
                Pending::Ignore,
            );
        }
    }
}
