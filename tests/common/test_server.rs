//! `TestServer`: the real server core running in the test process (`closure_lens::lsp::serve` over
//! in-memory pipes, as typos-lsp and ast-grep test theirs), driven through the same
//! [`LspClient`] as the binary, plus what only an in-process test can do through a [`Probe`]:
//! read the server's view of a document, count its analyses, inject panics.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Instant;

use closure_lens::lsp::Options;
use closure_lens::lsp::probe::Probe;
use serde_json::{Value, json};

use super::lsp_client::{Exit, GUARD, LspClient};

/// An in-process server and its client.
pub struct TestServer {
    client: LspClient,
    probe: Arc<Probe>,
}

impl Deref for TestServer {
    type Target = LspClient;

    fn deref(&self) -> &LspClient {
        &self.client
    }
}

impl DerefMut for TestServer {
    fn deref_mut(&mut self) -> &mut LspClient {
        &mut self.client
    }
}

impl TestServer {
    /// A server with the default options.
    pub fn start() -> Self {
        Self::with_options(Options::default())
    }

    /// A server with `options` (its probe is replaced by this test's).
    pub fn with_options(mut options: Options) -> Self {
        let probe = Probe::new();
        options.probe = Some(Arc::clone(&probe));
        TestServer {
            client: LspClient::in_process(options),
            probe,
        }
    }

    /// Waits until the server has read everything sent so far (its messages are then handled
    /// before anything the probe asks next).
    fn sync(&self) {
        let deadline = Instant::now() + GUARD;
        while self.probe.consumed() < self.client.written {
            assert!(Instant::now() < deadline, "the server stopped reading");
            std::thread::yield_now();
        }
    }

    /// The server's view of a document after every message sent so far: `{version, text}`, or
    /// `null` when it is not open.
    pub fn debug_text(&mut self, uri: &str) -> Value {
        self.sync();
        match self.probe.document(uri, GUARD) {
            Some((version, text)) => json!({"version": version, "text": text}),
            None => Value::Null,
        }
    }

    /// How many analyses the server has computed so far.
    pub fn analyses(&self) -> u64 {
        self.probe.analyses()
    }

    /// How many times a version's diagnostics have been found.
    pub fn diagnostics_found(&self) -> u64 {
        self.probe.diagnostics()
    }

    /// How many re-analyses copied the previous version's analysis first.
    pub fn analysis_copies(&self) -> u64 {
        self.probe.copies()
    }

    /// How many edits copied the document's text first.
    pub fn text_copies(&self) -> u64 {
        self.probe.text_copies()
    }

    /// Makes the jobs that reach `site` wait there until [`Self::release`] (see `Probe::hold`).
    pub fn hold(&self, site: &str) {
        self.probe.hold(site);
    }

    /// Waits until a job waits at the held `site`.
    pub fn wait_at(&self, site: &str) {
        assert!(self.probe.wait_at(site, GUARD), "no job reached {site}");
    }

    /// Lets the jobs held at `site` go on.
    pub fn release(&self, site: &str) {
        self.probe.release(site);
    }

    /// Waits until the server has computed `count` analyses.
    pub fn wait_analyses(&self, count: u64) {
        let deadline = Instant::now() + GUARD;
        while self.analyses() < count {
            assert!(
                Instant::now() < deadline,
                "{} analyses, not {count}",
                self.analyses()
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Makes the next handling of `site` panic (see `Probe::panic_at`).
    pub fn panic_at(&self, site: &str) {
        self.probe.panic_at(site);
    }

    /// `shutdown`, `exit`, then how the session ended.
    pub fn shutdown_and_exit(self) -> Exit {
        self.client.shutdown_and_exit()
    }

    /// Closes the server's input and waits for the session to end.
    pub fn wait_exit(self) -> Exit {
        self.client.wait_exit()
    }
}
