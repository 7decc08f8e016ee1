//! The answer last sent for each open document with its result id, so that a request naming
//! that id can be answered with what changed since: `semanticTokens/full/delta` (the edits
//! from the tokens sent) and pull diagnostics (an unchanged report when nothing changed).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ls_types::{SemanticToken, Uri};

use crate::lsp::to_proto::Reported;

/// The semantic tokens last sent per document.
pub type SentTokens = Sent<Vec<SemanticToken>>;

/// The diagnostics last reported per document (pull diagnostics).
pub type SentReports = Sent<Vec<Reported>>;

/// Per document: the last answer sent and its result id.
pub struct Sent<T> {
    sent: Mutex<HashMap<Uri, Last<T>>>,
    next_id: AtomicU64,
}

struct Last<T> {
    result_id: String,
    answer: Arc<T>,
}

impl<T> Default for Sent<T> {
    fn default() -> Self {
        Sent {
            sent: Mutex::default(),
            next_id: AtomicU64::new(0),
        }
    }
}

impl<T> Sent<T> {
    /// Records `answer` as the last sent for `uri`; returns its new result id.
    pub fn remember(&self, uri: &Uri, answer: Arc<T>) -> String {
        let result_id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
        let last = Last {
            result_id: result_id.clone(),
            answer,
        };
        self.lock().insert(uri.clone(), last);
        result_id
    }

    /// The answer last sent for `uri`, if its result id is `result_id`.
    pub fn sent(&self, uri: &Uri, result_id: &str) -> Option<Arc<T>> {
        let sent = self.lock();
        let last = sent.get(uri)?;
        (last.result_id == result_id).then(|| Arc::clone(&last.answer))
    }

    /// Forgets `uri` (closed).
    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Last<T>>> {
        // The map stays consistent even if a holder panicked: every update is one insert/remove.
        self.sent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
