//! The semantic tokens last sent for each open document, so that `semanticTokens/full/delta`
//! can answer with the edits from them instead of every token again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ls_types::{SemanticToken, Uri};

/// Per document: the last tokens sent and their result id.
#[derive(Default)]
pub struct TokenCache {
    sent: Mutex<HashMap<Uri, Sent>>,
    next_id: AtomicU64,
}

struct Sent {
    result_id: String,
    tokens: Arc<Vec<SemanticToken>>,
}

impl TokenCache {
    /// Records `tokens` as the last sent for `uri`; returns their new result id.
    pub fn remember(&self, uri: &Uri, tokens: Arc<Vec<SemanticToken>>) -> String {
        let result_id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
        let sent = Sent {
            result_id: result_id.clone(),
            tokens,
        };
        self.lock().insert(uri.clone(), sent);
        result_id
    }

    /// The tokens last sent for `uri`, if their result id is `result_id`.
    pub fn sent(&self, uri: &Uri, result_id: &str) -> Option<Arc<Vec<SemanticToken>>> {
        let sent = self.lock();
        let last = sent.get(uri)?;
        (last.result_id == result_id).then(|| Arc::clone(&last.tokens))
    }

    /// Forgets `uri` (closed).
    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Sent>> {
        // The map stays consistent even if a holder panicked: every update is one insert/remove.
        self.sent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
