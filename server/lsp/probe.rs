//! What an in-process test can see and do inside a running server: its statistics, the server's
//! view of a document, and panics injected at chosen places. A [`Probe`] is handed to
//! [`serve`](crate::lsp::serve) in [`Options`](crate::lsp::Options); `closure-lens serve` never
//! creates one, so none of this is reachable over stdio.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ls_types::Uri;

use crate::lsp::documents::Stats;
use crate::lsp::server::Event;

/// A window into one running server (for tests).
#[derive(Default)]
pub struct Probe {
    pub(crate) stats: Arc<Stats>,
    /// Input bytes the reader has fully processed (their messages are queued for the main loop).
    pub(crate) consumed: AtomicU64,
    panics: Mutex<Vec<String>>,
    gates: Mutex<Gates>,
    gate_moved: Condvar,
    pub(crate) events: Mutex<Option<Sender<Event>>>,
}

/// The sites where jobs wait (see [`Probe::hold`]), and those where one waits now.
#[derive(Default)]
struct Gates {
    held: Vec<String>,
    waiting: Vec<String>,
}

/// The longest a job waits at a held site: a test that forgets to release it slows down, but
/// does not hang.
const LONGEST_HOLD: Duration = Duration::from_secs(30);

/// A question for the main loop, answered in turn with the messages before it.
pub(crate) enum Query {
    /// The version and text of a document (`None` if it is not open).
    Document {
        uri: Uri,
        reply: Sender<Option<(i32, String)>>,
    },
}

impl Probe {
    /// A new probe.
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// How many analyses the server has computed.
    pub fn analyses(&self) -> u64 {
        self.stats.analyses.load(Ordering::Relaxed)
    }

    /// How many times a version's diagnostics have been found (see `Stats::diagnostics`).
    pub fn diagnostics(&self) -> u64 {
        self.stats.diagnostics.load(Ordering::Relaxed)
    }

    /// How many re-analyses copied the previous analysis first (see `Stats::copies`).
    pub fn copies(&self) -> u64 {
        self.stats.copies.load(Ordering::Relaxed)
    }

    /// How many edits copied the document's text first (see `Stats::text_copies`).
    pub fn text_copies(&self) -> u64 {
        self.stats.text_copies.load(Ordering::Relaxed)
    }

    /// How many input bytes the server has read and queued for its main loop.
    pub fn consumed(&self) -> u64 {
        self.consumed.load(Ordering::Acquire)
    }

    /// The server's version and text of `uri`, once the main loop has handled every message
    /// queued so far (`None` if the document is not open or the server is gone).
    pub fn document(&self, uri: &str, timeout: Duration) -> Option<(i32, String)> {
        let uri: Uri = uri.parse().ok()?;
        let (reply, answer) = channel();
        let sender = self.events.lock().ok()?.clone()?;
        sender
            .send(Event::Query(Query::Document { uri, reply }))
            .ok()?;
        answer.recv_timeout(timeout).ok().flatten()
    }

    /// Makes the next handling of `site` panic: a method name (`textDocument/hover` panics in the
    /// worker computing it, a notification in its main-loop handler) or `diagnostics` (the
    /// background computation of pushed diagnostics).
    pub fn panic_at(&self, site: &str) {
        if let Ok(mut sites) = self.panics.lock() {
            sites.push(site.to_owned());
        }
    }

    /// Makes the jobs that reach `site` wait there until [`Self::release`]: a test can then act
    /// while such a job is under way.
    pub fn hold(&self, site: &str) {
        lock(&self.gates).held.push(site.to_owned());
    }

    /// Waits until a job waits at `site` (held); whether one did within `timeout`.
    pub fn wait_at(&self, site: &str, timeout: Duration) -> bool {
        let gates = lock(&self.gates);
        let waiting = |gates: &Gates| gates.waiting.iter().any(|s| s == site);
        self.wait_until(gates, Instant::now() + timeout, waiting).1
    }

    /// Lets the jobs held at `site` go on, and the next ones pass.
    pub fn release(&self, site: &str) {
        lock(&self.gates).held.retain(|s| s != site);
        self.gate_moved.notify_all();
    }

    /// Where a job reaches `site`: waits while a test holds it (see [`Self::hold`]).
    pub(crate) fn pass(&self, site: &str) {
        let mut gates = lock(&self.gates);
        let released = |gates: &Gates| !gates.held.iter().any(|s| s == site);
        if released(&gates) {
            return;
        }
        gates.waiting.push(site.to_owned());
        self.gate_moved.notify_all();
        let (mut gates, _) = self.wait_until(gates, Instant::now() + LONGEST_HOLD, released);
        if let Some(i) = gates.waiting.iter().position(|s| s == site) {
            gates.waiting.remove(i);
        }
    }

    /// Waits until `done` holds of the gates, or until `deadline`: the gates, and whether it
    /// held.
    fn wait_until<'a>(
        &self,
        mut gates: MutexGuard<'a, Gates>,
        deadline: Instant,
        done: impl Fn(&Gates) -> bool,
    ) -> (MutexGuard<'a, Gates>, bool) {
        while !done(&gates) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return (gates, false);
            }
            gates = match self.gate_moved.wait_timeout(gates, left) {
                Ok((gates, _)) => gates,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        (gates, true)
    }

    /// Panics if a panic was injected at `site` (once per injection).
    pub(crate) fn checkpoint(&self, site: &str) {
        let hit = match self.panics.lock() {
            Ok(mut sites) => match sites.iter().position(|s| s == site) {
                Some(i) => {
                    sites.remove(i);
                    true
                }
                None => false,
            },
            Err(_) => false,
        };
        if hit {
            panic!("panic injected by a test at {site}");
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
