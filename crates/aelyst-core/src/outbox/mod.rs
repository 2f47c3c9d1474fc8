//! The durable outbox and history: every submitted action is on disk before anything is sent,
//! a background worker sends it and records the outcome, and nothing is dropped, whatever
//! the network, the server or the process does.
//!
//! Knows nothing of Tauri: the shell hands in a listener that forwards [`HistoryEvent`]s to
//! the window.
//!
//! - `entry`: one action and the one function that moves its state;
//! - `events`: what the listener hears; `error`: why the outbox refused;
//! - `tally`: the waiting and failed counts the tray and badges go by;
//! - `journal`: the append-only file;
//! - `scheduler`: what is sent when (pure, on a given time);
//! - `pacer`: the server's rate limits (pure, on a given time);
//! - `worker`: the loop that sends and records answers;
//! - the time source is the crate's `clock` (injectable for tests; `files` uses it too).

mod entry;
mod error;
mod events;
pub mod journal;
mod pacer;
mod scheduler;
mod state;
pub mod tally;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::Notify;

pub use crate::clock::{now_ms, Clock, ManualClock, SystemClock};
pub use entry::{Entry, EntryState, Transition};
pub use error::OutboxError;
pub use events::{HistoryEvent, HistoryEventDiscriminants, Listener, Pause, PauseDiscriminants};
use journal::Journal;
use scheduler::Schedule;
use state::{Shared, State};

use crate::api::{ApiToken, Client, Identifier, StatusChange};

pub const DEFAULT_HISTORY_LIMIT: usize = 1_000;
/// Different contacts go out in parallel, a few at a time.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 4;

/// Where the token comes from. Called from a blocking thread (a keychain can prompt).
pub trait TokenSource: Send + Sync + 'static {
    /// The token to send to `address`: `Ok(None)` when none is saved for that address; `Err`
    /// when the store can't be read.
    fn current(
        &self,
        address: &url::Url,
    ) -> Result<Option<ApiToken>, crate::keychain::KeychainError>;
}

pub struct OutboxOptions {
    pub history_limit: usize,
    pub max_in_flight: usize,
    pub clock: Arc<dyn Clock>,
    /// While the keychain cannot be read, how often the worker asks it again by itself.
    pub keychain_recheck: std::time::Duration,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        Self {
            history_limit: DEFAULT_HISTORY_LIMIT,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            clock: Arc::new(SystemClock),
            keychain_recheck: std::time::Duration::from_secs(30),
        }
    }
}

/// What opening found, to tell the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    pub resumed: usize,
    pub moved_aside: Option<PathBuf>,
}

/// Counts of the history by state, for diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: usize,
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
}

/// See [`Outbox::progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Turns of the sending loop finished: each took what was due and handed it out.
    pub turns: u64,
    /// Sends on their way, not yet answered and recorded.
    pub in_flight: usize,
}

#[derive(Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
}

impl Outbox {
    /// Loads the journal at `path` (creating it when absent). Call [`Outbox::start`] from
    /// inside a tokio runtime to begin sending.
    pub fn open(
        path: &Path,
        options: OutboxOptions,
        client: Client,
        tokens: Arc<dyn TokenSource>,
        listener: Listener,
    ) -> Result<(Self, OpenReport), OutboxError> {
        let (mut journal, mut loaded) = Journal::open(path)?;
        // An earlier version's waiting entries were made for the address the workspace has now
        // (it refused to move while any waited): said in the journal once. Its finished ones
        // (failed, cancelled, done) may have been made for an address since left, so they
        // stay without one, which matches no address: never sent again from here.
        let address = client.config().base_url().to_string();
        let unstamped: Vec<Entry> = loaded
            .entries
            .values_mut()
            .filter(|e| e.address.is_none() && e.state == EntryState::Pending)
            .map(|e| {
                e.address = Some(address.clone());
                e.clone()
            })
            .collect();
        if !unstamped.is_empty() {
            let refs: Vec<&Entry> = unstamped.iter().collect();
            // Not written: the address stays in memory and is written with the entry's next
            // change; until then it is pending, so the address cannot change.
            if let Err(err) = journal.put(&refs) {
                tracing::warn!("entries' address not written: {}", err.kind());
            }
        }
        let resumed = loaded
            .entries
            .values()
            .filter(|e| e.state == EntryState::Pending)
            .count();
        let state = State {
            journal,
            schedule: Schedule::new(loaded.entries),
            pause: None,
            token: None,
            token_generation: 0,
            history_limit: options.history_limit.max(1),
            closed: false,
        };
        let outbox = Self {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                wake: Notify::new(),
                client: RwLock::new(client),
                tokens,
                listener,
                max_in_flight: options.max_in_flight.max(1),
                clock: options.clock,
                keychain_recheck: options.keychain_recheck,
                stopped: std::sync::atomic::AtomicBool::new(false),
                turns: std::sync::atomic::AtomicU64::new(0),
            }),
        };
        Ok((
            outbox,
            OpenReport {
                resumed,
                moved_aside: loaded.moved_aside,
            },
        ))
    }

    /// The sending loop; runs until the process ends. Spawn it on a tokio runtime.
    pub fn worker(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        worker::run(self.shared.clone())
    }

    /// Spawns the sending loop on the current tokio runtime.
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.worker())
    }

    /// Runs `change` on the state to get new versions of entries, then commits them (see
    /// [`Shared::commit`]).
    fn commit(
        &self,
        change: impl FnOnce(&mut State, u64) -> Result<Vec<Entry>, OutboxError>,
    ) -> Result<Vec<Entry>, OutboxError> {
        self.shared.commit(change)
    }

    /// Saves the action durably, then hands it to the worker. When this returns `Ok`, the
    /// action survives a crash.
    pub fn submit(
        &self,
        identifier: Identifier,
        change: StatusChange,
    ) -> Result<Entry, OutboxError> {
        let mut saved = self.commit(|state, now| {
            // Read under the lock an address change takes: the address this is sent to.
            let address = self.shared.client().config().base_url().clone();
            Ok(vec![Entry::new(
                state.schedule.next_seq(),
                now,
                identifier,
                change,
            )
            .for_address(&address)])
        })?;
        saved.pop().ok_or(OutboxError::NotFound)
    }

    /// Saves many actions in one durable write (a bulk run), then hands them to the worker.
    /// They share a batch id so the run can be followed and cancelled.
    pub fn submit_many(
        &self,
        actions: Vec<(Identifier, StatusChange)>,
    ) -> Result<(String, Vec<Entry>), OutboxError> {
        let batch = uuid::Uuid::now_v7().to_string();
        let entries = self.commit(|state, now| {
            // Read under the lock an address change takes: the address these are sent to.
            let client = self.shared.client();
            Ok(actions
                .into_iter()
                .zip(state.schedule.next_seq()..)
                .map(|((identifier, change), seq)| {
                    let mut entry = Entry::new(seq, now, identifier, change)
                        .for_address(client.config().base_url());
                    entry.batch = Some(batch.clone());
                    entry
                })
                .collect())
        })?;
        Ok((batch, entries))
    }

    /// Stops a bulk run: every action of it not yet sent is recorded as cancelled (actions
    /// already on their way finish as usual). Returns how many were stopped.
    pub fn cancel_batch(&self, batch: &str) -> Result<usize, OutboxError> {
        self.cancel_where(|e| e.batch.as_deref() == Some(batch))
    }

    /// Stops every action not yet sent (removing a workspace, or changing its address, with
    /// actions still waiting); they are recorded as cancelled. Returns how many were stopped.
    pub fn cancel_waiting(&self) -> Result<usize, OutboxError> {
        self.cancel_where(|_| true)
    }

    /// [`Outbox::cancel_waiting`], then again as the actions that were on their way come back
    /// unanswered, for up to `patience`: what the agent means by "cancel them" before
    /// removing a workspace or moving it. Returns how many were stopped in all.
    pub async fn cancel_waiting_patiently(
        &self,
        patience: std::time::Duration,
    ) -> Result<usize, OutboxError> {
        let deadline = tokio::time::Instant::now() + patience;
        let mut cancelled = self.cancel_waiting()?;
        while self.waiting() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            cancelled += self.cancel_waiting()?;
        }
        Ok(cancelled)
    }

    fn cancel_where(&self, wanted: impl Fn(&Entry) -> bool) -> Result<usize, OutboxError> {
        let cancelled = self.commit(|state, now| {
            let schedule = &state.schedule;
            Ok(schedule
                .entries
                .iter()
                .filter(|(seq, e)| {
                    e.state == EntryState::Pending && wanted(e) && !schedule.in_flight.contains(seq)
                })
                .map(|(_, e)| e.transition(Transition::Cancel, now))
                .collect())
        })?;
        Ok(cancelled.len())
    }

    /// How many actions wait to be sent (on their way ones included).
    pub fn waiting(&self) -> usize {
        self.shared.lock().waiting()
    }

    /// Newest first.
    pub fn list(&self) -> Vec<Entry> {
        self.shared
            .lock()
            .schedule
            .entries
            .values()
            .rev()
            .cloned()
            .collect()
    }

    /// Entries with these ids, newest first; all of them when `ids` is empty.
    pub fn select(&self, ids: &[String]) -> Vec<Entry> {
        let mut entries = self.list();
        if !ids.is_empty() {
            let wanted: std::collections::HashSet<&String> = ids.iter().collect();
            entries.retain(|e| wanted.contains(&e.id));
        }
        entries
    }

    pub fn counts(&self) -> Counts {
        let state = self.shared.lock();
        let mut counts = Counts::default();
        for entry in state.schedule.entries.values() {
            *match entry.state {
                EntryState::Pending => &mut counts.pending,
                EntryState::Done => &mut counts.done,
                EntryState::Failed => &mut counts.failed,
                EntryState::Cancelled => &mut counts.cancelled,
            } += 1;
        }
        counts
    }

    pub fn pause(&self) -> Option<Pause> {
        self.shared.lock().pause.clone()
    }

    /// How far the sending loop has got, so a caller can know that nothing more goes out by
    /// itself: once a turn that began after a [`Outbox::nudge`] is over and nothing is in
    /// flight, whatever was due then has been sent and answered.
    pub fn progress(&self) -> Progress {
        Progress {
            turns: self.shared.turns.load(std::sync::atomic::Ordering::SeqCst),
            in_flight: self.shared.lock().schedule.in_flight.len(),
        }
    }

    /// Has the sending loop look for due work now, not at its next wake-up.
    pub fn nudge(&self) {
        self.shared.wake.notify_one();
    }

    /// Puts a failed or cancelled action back in the queue, as if just submitted (it keeps
    /// its place among the same contact's actions).
    pub fn retry(&self, id: &str) -> Result<Entry, OutboxError> {
        let mut saved = self.commit(|state, now| {
            let seq = state.schedule.seq_of(id).ok_or(OutboxError::NotFound)?;
            let entry = &state.schedule.entries[&seq];
            if !matches!(entry.state, EntryState::Failed | EntryState::Cancelled) {
                return Err(OutboxError::NotFailed);
            }
            // Never to another address than the one it was made for (another tenant may have
            // a contact with the same id).
            if !entry.made_for(self.shared.client().config().base_url()) {
                return Err(match &entry.address {
                    Some(address) => OutboxError::OtherAddress(address.clone()),
                    None => OutboxError::AddressUnknown,
                });
            }
            Ok(vec![entry.transition(Transition::Retry, now)])
        })?;
        saved.pop().ok_or(OutboxError::NotFound)
    }

    /// Removes every finished action (done, failed, cancelled); pending ones stay. Returns how
    /// many went.
    pub fn clear_finished(&self) -> Result<usize, OutboxError> {
        let ids = {
            let mut state = self.shared.lock();
            let finished = state.schedule.finished();
            state.remove(finished)?
        };
        let count = ids.len();
        self.shared.removed(ids);
        Ok(count)
    }

    /// A new token was saved (or the old one forgotten), or the agent asked to try again:
    /// drop the cached token, lift a pause, and send what was waiting (a pause that still
    /// holds comes straight back).
    pub fn token_changed(&self) {
        self.shared.lift_pause();
    }

    /// The client sending uses (a cheap clone sharing its connections).
    pub fn client(&self) -> Client {
        self.shared.client()
    }

    /// Points sending at another API address. Actions are sent to the address they were made
    /// for, so this is refused while any wait (`Err(count)`); otherwise `before` runs (it
    /// forgets the old address's token) and then the client changes, both under the lock that
    /// saving an action takes, so no action can slip in between. A failing `before` changes
    /// nothing.
    pub fn change_address<E>(
        &self,
        client: Client,
        before: impl FnOnce() -> Result<(), E>,
    ) -> Result<Result<(), E>, usize> {
        let mut state = self.shared.lock();
        let waiting = state.waiting();
        if waiting > 0 {
            return Err(waiting);
        }
        if let Err(err) = before() {
            return Ok(Err(err));
        }
        state.token = None;
        state.token_generation += 1;
        *self
            .shared
            .client
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = client;
        drop(state);
        self.shared.wake.notify_one();
        Ok(Ok(()))
    }

    /// Closes the outbox for good (its workspace is being removed): refused while any action
    /// waits (`Err(count)`), checked under the lock that saving an action takes, so nothing
    /// can be saved into a journal about to go. From then on nothing is saved or sent.
    pub fn close(&self) -> Result<(), usize> {
        let mut state = self.shared.lock();
        let waiting = state.waiting();
        if waiting > 0 {
            return Err(waiting);
        }
        state.closed = true;
        state.journal.close();
        self.shared
            .stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        drop(state);
        self.shared.wake.notify_one();
        Ok(())
    }

    pub fn set_history_limit(&self, limit: usize) -> Result<(), OutboxError> {
        let removed = {
            let mut state = self.shared.lock();
            state.history_limit = limit.max(1);
            state.evict()?
        };
        self.shared.removed(removed);
        Ok(())
    }
}
