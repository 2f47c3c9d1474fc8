//! The durable outbox and history: every submitted action is on disk before anything is sent,
//! a background worker sends it and records the outcome, and nothing is dropped, whatever
//! the network, the server or the process does.
//!
//! Knows nothing of Tauri: the shell hands in a listener that forwards [`HistoryEvent`]s to
//! the window.
//!
//! - `entry`: one action and the one function that moves its state;
//! - `journal`: the append-only file;
//! - `scheduler`: what is sent when (pure, on a given time);
//! - `pacer`: the server's rate limits (pure, on a given time);
//! - `worker`: the loop that sends and records answers;
//! - `clock`: the time source, injectable for tests.

pub mod clock;
mod entry;
pub mod journal;
mod pacer;
mod scheduler;
pub mod tally;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use serde::Serialize;
use tokio::sync::Notify;

pub use clock::{now_ms, Clock, ManualClock, SystemClock};
pub use entry::{Entry, EntryState, Transition};
use journal::Journal;
use scheduler::Schedule;

use crate::api::{ApiToken, Client, Identifier, StatusChange};
use crate::error::{AppError, Coded, ErrorCode, Fields};
use crate::keychain::{FailCause, KeychainError};

pub const DEFAULT_HISTORY_LIMIT: usize = 1_000;
/// Different contacts go out in parallel, a few at a time.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    #[error("The action could not be saved on this computer ({0}), so it was not sent. Check the free disk space and try again.")]
    Disk(String),
    #[error("That action is no longer in the history.")]
    NotFound,
    #[error("Only a failed or cancelled action can be tried again.")]
    NotFailed,
    #[error("Aelyst Desk is already running on this computer. Use the window that is open (look for it in the taskbar).")]
    AlreadyRunning,
    #[error(
        "That workspace was removed, so nothing more can be saved in it. Choose another workspace."
    )]
    Closed,
    #[error("That action was made for {0}, which this workspace no longer uses, so it cannot be tried again here. Copy the contact into the form to act on it here.")]
    OtherAddress(String),
    #[error("That action was made before Aelyst Desk kept each action's address, so it is not sent again from here. Copy the contact into the form to act on it.")]
    AddressUnknown,
}

impl Coded for OutboxError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Disk(_) => ErrorCode::NotSaved,
            Self::NotFound => ErrorCode::EntryNotFound,
            Self::NotFailed => ErrorCode::EntryNotRetryable,
            Self::AlreadyRunning => ErrorCode::AlreadyRunning,
            Self::Closed => ErrorCode::WorkspaceNotFound,
            Self::OtherAddress(_) => ErrorCode::EntryOtherAddress,
            Self::AddressUnknown => ErrorCode::EntryAddressUnknown,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Disk(detail) => crate::fields! { "detail" => detail },
            Self::OtherAddress(address) => crate::fields! { "address" => address },
            _ => Fields::new(),
        }
    }
}

fn disk(err: std::io::Error) -> OutboxError {
    OutboxError::Disk(err.kind().to_string())
}

impl From<journal::OpenError> for OutboxError {
    fn from(err: journal::OpenError) -> Self {
        match err {
            journal::OpenError::Locked => Self::AlreadyRunning,
            journal::OpenError::Io(err) => disk(err),
        }
    }
}

/// Where the token comes from. Called from a blocking thread (a keychain can prompt).
pub trait TokenSource: Send + Sync + 'static {
    /// The token to send to `address`: `Ok(None)` when none is saved for that address; `Err`
    /// when the store can't be read.
    fn current(
        &self,
        address: &url::Url,
    ) -> Result<Option<ApiToken>, crate::keychain::KeychainError>;
}

/// Why sending is on hold for every action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Pause {
    /// No token saved yet.
    NoToken,
    /// The server refused the token (401/403).
    TokenRejected,
    /// The keychain could not be read: why, as the window words it.
    Keychain { problem: AppError },
}

impl Pause {
    /// Short words for diagnostics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoToken => "no token",
            Self::TokenRejected => "token refused",
            Self::Keychain { .. } => "keychain unavailable",
        }
    }
}

/// What the window is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum HistoryEvent {
    Upsert { entry: Box<Entry> },
    Removed { ids: Vec<String> },
    Paused { pause: Option<Pause> },
}

pub type Listener = Box<dyn Fn(HistoryEvent) + Send + Sync>;

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

struct Shared {
    state: Mutex<State>,
    wake: Notify,
    client: RwLock<Client>,
    tokens: Arc<dyn TokenSource>,
    listener: Listener,
    max_in_flight: usize,
    clock: Arc<dyn Clock>,
    keychain_recheck: std::time::Duration,
    /// Set by [`Outbox::stop`]: the worker ends at its next turn.
    stopped: std::sync::atomic::AtomicBool,
    /// How many times the worker has looked for due work (see [`Outbox::progress`]).
    turns: std::sync::atomic::AtomicU64,
}

struct State {
    journal: Journal,
    schedule: Schedule,
    pause: Option<Pause>,
    /// The token read last, with the address it was read for.
    token: Option<(String, Arc<ApiToken>)>,
    /// Counts the times the cached token was dropped (saved, replaced, forgotten, the address
    /// changed): a keychain read that began before is not kept.
    token_generation: u64,
    history_limit: usize,
    /// See [`Outbox::close`].
    closed: bool,
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

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn client(&self) -> Client {
        self.client
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Runs `change` on the state to get new versions of entries, writes them to the journal
    /// in one durable append, then to memory; only then tells the window and wakes the worker.
    /// Nothing is announced that is not on disk.
    fn commit(
        &self,
        change: impl FnOnce(&mut State, u64) -> Result<Vec<Entry>, OutboxError>,
    ) -> Result<Vec<Entry>, OutboxError> {
        let entries = {
            let mut state = self.lock();
            if state.closed {
                return Err(OutboxError::Closed);
            }
            let entries = change(&mut state, self.clock.now_ms())?;
            let refs: Vec<&Entry> = entries.iter().collect();
            state.journal.put(&refs).map_err(disk)?;
            for entry in &entries {
                state.schedule.entries.insert(entry.seq, entry.clone());
            }
            entries
        };
        for entry in &entries {
            (self.listener)(HistoryEvent::Upsert {
                entry: Box::new(entry.clone()),
            });
        }
        self.wake.notify_one();
        Ok(entries)
    }

    fn removed(&self, ids: Vec<String>) {
        if !ids.is_empty() {
            (self.listener)(HistoryEvent::Removed { ids });
        }
    }

    fn lift_pause(&self) {
        let lifted = {
            let mut state = self.lock();
            state.token = None;
            state.token_generation += 1;
            state.pause.take().is_some()
        };
        if lifted {
            (self.listener)(HistoryEvent::Paused { pause: None });
        }
        self.wake.notify_one();
    }

    fn paused_by_keychain(&self) -> bool {
        matches!(self.lock().pause, Some(Pause::Keychain { .. }))
    }

    /// Asks the keychain again; when it answers, lifts the pause and keeps the token it read
    /// (no second read for the sends that follow). True while it still cannot be read.
    async fn recheck_keychain(self: &Arc<Self>) -> bool {
        if self.credentials().await.is_err() {
            return true;
        }
        let lifted = self.lock().pause.take().is_some();
        if lifted {
            (self.listener)(HistoryEvent::Paused { pause: None });
        }
        self.wake.notify_one();
        false
    }

    fn set_pause(&self, pause: Pause) {
        let changed = {
            let mut state = self.lock();
            state.token = None;
            state.token_generation += 1;
            let changed = state.pause.as_ref() != Some(&pause);
            state.pause = Some(pause.clone());
            changed
        };
        if changed {
            (self.listener)(HistoryEvent::Paused { pause: Some(pause) });
        }
        // The worker plans its keychain re-check from here.
        self.wake.notify_one();
    }

    /// The client to send with and the token for its address, as one pair, so a token is only
    /// ever sent where it was asked for: cached, else read from the source on a blocking
    /// thread.
    async fn credentials(self: &Arc<Self>) -> Result<(Client, Arc<ApiToken>), Pause> {
        let client = self.client();
        let address = client.config().base_url().to_string();
        let generation = {
            let state = self.lock();
            if let Some((cached_for, token)) = state.token.clone() {
                if cached_for == address {
                    return Ok((client, token));
                }
            }
            state.token_generation
        };
        let source = self.tokens.clone();
        let url = client.config().base_url().clone();
        let loaded = tokio::task::spawn_blocking(move || source.current(&url))
            .await
            .unwrap_or(Err(KeychainError::Failed(FailCause::Other)));
        match loaded {
            Ok(Some(token)) => {
                let token = Arc::new(token);
                let mut state = self.lock();
                // Forgotten or replaced while it was read: this copy is not kept.
                if state.token_generation == generation {
                    state.token = Some((address, token.clone()));
                }
                Ok((client, token))
            }
            Ok(None) => Err(Pause::NoToken),
            Err(err) => Err(Pause::Keychain {
                problem: err.into(),
            }),
        }
    }
}

impl State {
    fn waiting(&self) -> usize {
        self.schedule
            .entries
            .values()
            .filter(|e| e.state == EntryState::Pending)
            .count()
    }

    /// What can be sent now (nothing while sending is paused).
    fn take_due(
        &mut self,
        clocks: scheduler::Clocks,
        max_in_flight: usize,
        longest_wait: std::time::Duration,
    ) -> (Vec<Entry>, Option<std::time::Duration>) {
        if self.pause.is_some() {
            return (Vec::new(), None);
        }
        self.schedule.take_due(clocks, max_in_flight, longest_wait)
    }

    /// Keeps the newest `history_limit` entries; older finished ones go.
    fn evict(&mut self) -> Result<Vec<String>, OutboxError> {
        let victims = self.schedule.over_limit(self.history_limit);
        self.remove(victims)
    }

    /// Removes these entries from the journal, then from memory. Returns their ids.
    fn remove(&mut self, seqs: Vec<u64>) -> Result<Vec<String>, OutboxError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = seqs
            .iter()
            .map(|seq| self.schedule.entries[seq].id.clone())
            .collect();
        self.journal.remove(ids.clone()).map_err(disk)?;
        for seq in seqs {
            self.schedule.entries.remove(&seq);
        }
        if self.journal.wants_compaction(self.schedule.entries.len()) {
            if let Err(err) = self.journal.compact(self.schedule.entries.values()) {
                // The journal stays valid as it is, only longer; try again next time.
                tracing::warn!("outbox compaction failed: {}", err.kind());
            }
        }
        Ok(ids)
    }
}
