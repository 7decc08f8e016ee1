//! Worker threads for everything that is not a cheap text edit: parsing, analysis, features.
//!
//! Three lanes, each a queue with its own threads (stacks of
//! [`ANALYSIS_STACK`](crate::lsp::documents::ANALYSIS_STACK), since the engine recurses):
//! - [`Lane::Fast`]: work on documents below the "heavy" size, on several threads, so a request on
//!   a small document never waits behind a big one;
//! - [`Lane::Heavy`]: work on big documents, one thread (their analyses run one at a time, which
//!   also bounds the memory they take together);
//! - [`Lane::WarmUp`]: the warm-ups that prepare a document's next re-analysis, and the reading
//!   ahead of the modules it imports, one thread: no request waits behind them (on a big
//!   document, a warm-up is a whole analysis's worth of work).
//!
//! Within a lane, requests go before background work (diagnostics, warm-up). A request's
//! [`Ticket`] settles the races between the main loop withdrawing it (cancelled, superseded by an
//! edit, out of time) and a worker starting it, then answering it: exactly one side wins each.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::lsp::documents::{ANALYSIS_STACK, mark_big_stack};

/// Which queue a job goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Small documents and document-less work.
    Fast,
    /// Big documents.
    Heavy,
    /// Warm-ups (see [`WarmUp`](crate::lsp::documents::WarmUp)) and imports read ahead.
    WarmUp,
}

/// Requests before background work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// A client request (someone waits for it).
    Request,
    /// Pushed diagnostics, warm-up.
    Background,
}

type Job = Box<dyn FnOnce() + Send>;

/// The worker lanes. Dropping it (or [`Scheduler::close`]) lets the workers end after the job
/// they are running; queued jobs are dropped.
pub struct Scheduler {
    fast: Arc<Queue>,
    heavy: Arc<Queue>,
    warm_up: Arc<Queue>,
    /// Where old document versions go to be freed (see [`Scheduler::dispose`]).
    disposal: Sender<Box<dyn Send>>,
}

#[derive(Default)]
struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    requests: VecDeque<Job>,
    background: VecDeque<Job>,
    closed: bool,
}

impl Scheduler {
    /// Starts `fast_threads` fast workers, one heavy worker and one warm-up worker.
    pub fn new(fast_threads: usize) -> Self {
        let (disposal, garbage) = channel::<Box<dyn Send>>();
        let started = std::thread::Builder::new()
            .name("closure-lens-disposal".into())
            .spawn(move || garbage.into_iter().for_each(drop));
        if let Err(err) = started {
            panic!("cannot start the disposal thread: {err}");
        }
        let scheduler = Scheduler {
            fast: Arc::default(),
            heavy: Arc::default(),
            warm_up: Arc::default(),
            disposal,
        };
        for i in 0..fast_threads.max(1) {
            start_worker(&scheduler.fast, format!("closure-lens-worker-{i}"));
        }
        start_worker(&scheduler.heavy, "closure-lens-heavy".into());
        start_worker(&scheduler.warm_up, "closure-lens-warm-up".into());
        scheduler
    }

    /// Queues `job`.
    pub fn spawn(&self, lane: Lane, priority: Priority, job: impl FnOnce() + Send + 'static) {
        let queue = match lane {
            Lane::Fast => &self.fast,
            Lane::Heavy => &self.heavy,
            Lane::WarmUp => &self.warm_up,
        };
        let mut state = lock(&queue.state);
        if state.closed {
            return;
        }
        match priority {
            Priority::Request => state.requests.push_back(Box::new(job)),
            Priority::Background => state.background.push_back(Box::new(job)),
        }
        queue.ready.notify_one();
    }

    /// Frees `value` on a thread of its own: the analysis of a 20 MB document is millions of
    /// allocations, hundreds of milliseconds to free, which the main loop must not spend.
    pub fn dispose(&self, value: impl Send + 'static) {
        // If the thread is gone, `value` is freed here instead.
        let _ = self.disposal.send(Box::new(value));
    }

    /// Stops taking jobs; workers end once their current job is done.
    pub fn close(&self) {
        for queue in [&self.fast, &self.heavy, &self.warm_up] {
            let mut state = lock(&queue.state);
            state.closed = true;
            state.requests.clear();
            state.background.clear();
            queue.ready.notify_all();
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.close();
    }
}

fn lock(mutex: &Mutex<QueueState>) -> MutexGuard<'_, QueueState> {
    // Jobs never run under this lock, so it cannot be poisoned by one; recover regardless.
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn start_worker(queue: &Arc<Queue>, name: String) {
    let queue = Arc::clone(queue);
    let started = std::thread::Builder::new()
        .name(name)
        .stack_size(ANALYSIS_STACK)
        .spawn(move || {
            mark_big_stack();
            while let Some(job) = next_job(&queue) {
                // Every job reports its own panics (see `server::guarded`); this only keeps the
                // worker alive should one escape.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        });
    if let Err(err) = started {
        // Without workers nothing would ever be answered: that is not a state to serve in.
        panic!("cannot start a worker thread: {err}");
    }
}

fn next_job(queue: &Queue) -> Option<Job> {
    let mut state = lock(&queue.state);
    loop {
        if state.closed {
            return None;
        }
        if let Some(job) = state
            .requests
            .pop_front()
            .or_else(|| state.background.pop_front())
        {
            return Some(job);
        }
        state = queue
            .ready
            .wait(state)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// The life of one request: queued, then started by a worker or withdrawn by the main loop; a
/// started one is then answered by its worker, or withdrawn while it runs.
#[derive(Debug, Default)]
pub struct Ticket(AtomicU8);

const QUEUED: u8 = 0;
const RUNNING: u8 = 1;
const WITHDRAWN: u8 = 2;
const ANSWERED: u8 = 3;

/// What withdrawing a ticket found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdrawn {
    /// It had not started: it never will.
    WasQueued,
    /// A worker is computing it (its result will arrive and be dropped or replaced).
    WasRunning,
    /// Already withdrawn.
    Already,
    /// Its worker has answered it: it stays answered.
    WasAnswered,
}

impl Ticket {
    /// For the worker: `true` if the request may run (it was not withdrawn).
    pub fn start(&self) -> bool {
        self.0
            .compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// For the worker, once its answer is ready: `true` if it may send the answer itself (the
    /// request was not withdrawn while it ran).
    pub fn answer(&self) -> bool {
        self.0
            .compare_exchange(RUNNING, ANSWERED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// For the main loop: withdraws the request, unless its worker has answered it.
    pub fn withdraw(&self) -> Withdrawn {
        let withdrawable = |state| (state == QUEUED || state == RUNNING).then_some(WITHDRAWN);
        match self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, withdrawable)
        {
            Ok(QUEUED) => Withdrawn::WasQueued,
            Ok(_) => Withdrawn::WasRunning,
            Err(ANSWERED) => Withdrawn::WasAnswered,
            Err(_) => Withdrawn::Already,
        }
    }

    /// For the main loop: withdraws the request only if no worker has started it.
    pub fn withdraw_if_queued(&self) -> bool {
        self.0
            .compare_exchange(QUEUED, WITHDRAWN, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Whether the request was withdrawn (a running job may stop early).
    pub fn is_withdrawn(&self) -> bool {
        self.0.load(Ordering::Acquire) == WITHDRAWN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn requests_run_before_background_and_lanes_are_independent() {
        let scheduler = Scheduler::new(1);
        let (tx, rx) = channel();
        // Block the heavy lane; the fast lane still runs.
        let (release, hold) = channel::<()>();
        let t = tx.clone();
        scheduler.spawn(Lane::Heavy, Priority::Request, move || {
            hold.recv().ok();
            t.send("heavy").ok();
        });
        let t = tx.clone();
        scheduler.spawn(Lane::Fast, Priority::Request, move || {
            t.send("fast").ok();
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("fast"));
        release.send(()).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("heavy"));
    }

    #[test]
    fn a_warm_up_never_holds_up_a_request() {
        let scheduler = Scheduler::new(1);
        let (tx, rx) = channel();
        let (release, hold) = channel::<()>();
        let t = tx.clone();
        scheduler.spawn(Lane::WarmUp, Priority::Background, move || {
            hold.recv().ok();
            t.send("warm-up").ok();
        });
        for lane in [Lane::Heavy, Lane::Fast] {
            let t = tx.clone();
            scheduler.spawn(lane, Priority::Request, move || {
                t.send("request").ok();
            });
            assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("request"));
        }
        release.send(()).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("warm-up"));
    }

    #[test]
    fn a_ticket_is_started_or_withdrawn_once() {
        let t = Ticket::default();
        assert!(t.start());
        assert_eq!(t.withdraw(), Withdrawn::WasRunning);
        assert_eq!(t.withdraw(), Withdrawn::Already);
        let t = Ticket::default();
        assert_eq!(t.withdraw(), Withdrawn::WasQueued);
        assert!(!t.start());
        assert!(!t.answer());
        assert!(t.is_withdrawn());
    }

    #[test]
    fn an_answered_ticket_stays_answered() {
        let t = Ticket::default();
        assert!(!t.answer(), "not started yet");
        assert!(t.start());
        assert!(t.answer());
        assert_eq!(t.withdraw(), Withdrawn::WasAnswered);
        assert!(!t.withdraw_if_queued());
        assert!(!t.is_withdrawn());
        let t = Ticket::default();
        assert!(t.start());
        assert_eq!(t.withdraw(), Withdrawn::WasRunning);
        assert!(!t.answer(), "withdrawn while it ran");
    }
}
