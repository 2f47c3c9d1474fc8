//! The durable outbox and history: every submitted action is on disk before anything is sent,
//! a background worker sends it and records the outcome, and nothing is dropped, whatever
//! the network, the server or the process does.
//!
//! Knows nothing of Tauri: the shell hands in a listener that forwards [`HistoryEvent`]s to
//! the window.

mod entry;
pub mod journal;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use tokio::sync::Notify;

pub use entry::{Entry, EntryState};
use journal::Journal;

use crate::api::{ApiToken, Client, Identifier, Outcome, StatusChange};
use crate::ui_error::ErrorKind;

pub const DEFAULT_HISTORY_LIMIT: usize = 1_000;
/// Different contacts go out in parallel, a few at a time.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 4;
/// Wakes at least this often, so a laptop that slept past a retry time notices.
const MAX_IDLE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    #[error("The action could not be saved on this computer ({0}), so it was not sent. Check the free disk space and try again.")]
    Disk(String),
    #[error("That action is no longer in the history.")]
    NotFound,
    #[error("Only a failed or cancelled action can be tried again.")]
    NotFailed,
}

impl ErrorKind for OutboxError {
    fn kind(&self) -> &'static str {
        match self {
            Self::Disk(_) => "disk",
            Self::NotFound => "not_found",
            Self::NotFailed => "not_failed",
        }
    }
}

fn disk(err: std::io::Error) -> OutboxError {
    OutboxError::Disk(err.kind().to_string())
}

/// Where the token comes from. Called from a blocking thread (a keychain can prompt).
pub trait TokenSource: Send + Sync + 'static {
    /// `Ok(None)` when no token is saved; `Err` with plain words when the store can't be read.
    fn current(&self) -> Result<Option<ApiToken>, String>;
}

impl TokenSource for crate::keychain::Keychain {
    fn current(&self) -> Result<Option<ApiToken>, String> {
        self.load().map_err(|err| err.to_string())
    }
}

/// Why sending is on hold for every action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Pause {
    /// No token saved yet.
    NoToken,
    /// The server refused the token (401/403).
    TokenRejected { message: String },
    /// The keychain could not be read.
    Keychain { message: String },
}

impl Pause {
    /// Short words for diagnostics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoToken => "no token",
            Self::TokenRejected { .. } => "token refused",
            Self::Keychain { .. } => "keychain unavailable",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::NoToken => "Waiting for an API token: save one to send.".into(),
            Self::TokenRejected { message } | Self::Keychain { message } => message.clone(),
        }
    }
}

/// What the window is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
}

impl Default for OutboxOptions {
    fn default() -> Self {
        Self {
            history_limit: DEFAULT_HISTORY_LIMIT,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }
}

/// What opening found, to tell the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    pub resumed: usize,
    pub moved_aside: Option<PathBuf>,
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
}

struct State {
    journal: Journal,
    entries: BTreeMap<u64, Entry>,
    in_flight: HashSet<u64>,
    pacer: Pacer,
    pause: Option<Pause>,
    token: Option<Arc<ApiToken>>,
    history_limit: usize,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
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
        let (journal, loaded) = Journal::open(path).map_err(disk)?;
        let resumed = loaded
            .entries
            .values()
            .filter(|e| e.state == EntryState::Pending)
            .count();
        let state = State {
            journal,
            entries: loaded.entries,
            in_flight: HashSet::new(),
            pacer: Pacer::default(),
            pause: None,
            token: None,
            history_limit: options.history_limit.max(1),
        };
        let outbox = Self {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                wake: Notify::new(),
                client: RwLock::new(client),
                tokens,
                listener,
                max_in_flight: options.max_in_flight.max(1),
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
        run(self.shared.clone())
    }

    /// Spawns the sending loop on the current tokio runtime.
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.worker())
    }

    /// Runs `change` on the state to get new versions of entries, writes them to the journal
    /// in one durable append, then to memory; only then tells the window and wakes the worker.
    /// Nothing is announced that is not on disk.
    fn commit(
        &self,
        change: impl FnOnce(&mut State) -> Result<Vec<Entry>, OutboxError>,
    ) -> Result<Vec<Entry>, OutboxError> {
        let entries = {
            let mut state = self.shared.lock();
            let entries = change(&mut state)?;
            let refs: Vec<&Entry> = entries.iter().collect();
            state.journal.put(&refs).map_err(disk)?;
            for entry in &entries {
                state.entries.insert(entry.seq, entry.clone());
            }
            entries
        };
        for entry in &entries {
            (self.shared.listener)(HistoryEvent::Upsert {
                entry: Box::new(entry.clone()),
            });
        }
        self.shared.wake.notify_one();
        Ok(entries)
    }

    /// Saves the action durably, then hands it to the worker. When this returns `Ok`, the
    /// action survives a crash.
    pub fn submit(
        &self,
        identifier: Identifier,
        change: StatusChange,
    ) -> Result<Entry, OutboxError> {
        let mut saved = self.commit(|state| {
            Ok(vec![Entry::new(
                state.next_seq(),
                now_ms(),
                identifier,
                change,
            )])
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
        let entries = self.commit(|state| {
            let now = now_ms();
            Ok(actions
                .into_iter()
                .zip(state.next_seq()..)
                .map(|((identifier, change), seq)| {
                    let mut entry = Entry::new(seq, now, identifier, change);
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
        let cancelled = self.commit(|state| {
            let now = now_ms();
            Ok(state
                .entries
                .iter()
                .filter(|(seq, e)| {
                    e.state == EntryState::Pending
                        && e.batch.as_deref() == Some(batch)
                        && !state.in_flight.contains(seq)
                })
                .map(|(_, e)| {
                    let mut entry = e.clone();
                    entry.state = EntryState::Cancelled;
                    entry.finished_at = Some(now);
                    entry.next_attempt_at = None;
                    entry.last_error = Some("Cancelled before it was sent.".into());
                    entry.revision += 1;
                    entry
                })
                .collect())
        })?;
        Ok(cancelled.len())
    }

    /// Newest first.
    pub fn list(&self) -> Vec<Entry> {
        self.shared.lock().entries.values().rev().cloned().collect()
    }

    pub fn pause(&self) -> Option<Pause> {
        self.shared.lock().pause.clone()
    }

    /// Puts a failed or cancelled action back in the queue, as if just submitted (it keeps
    /// its place among the same contact's actions).
    pub fn retry(&self, id: &str) -> Result<Entry, OutboxError> {
        let mut saved = self.commit(|state| {
            let seq = state.seq_of(id).ok_or(OutboxError::NotFound)?;
            let mut entry = state.entries[&seq].clone();
            if !matches!(entry.state, EntryState::Failed | EntryState::Cancelled) {
                return Err(OutboxError::NotFailed);
            }
            entry.state = EntryState::Pending;
            entry.attempts = 0;
            entry.last_error = None;
            entry.finished_at = None;
            entry.next_attempt_at = None;
            entry.revision += 1;
            Ok(vec![entry])
        })?;
        saved.pop().ok_or(OutboxError::NotFound)
    }

    /// Removes every finished action (done, failed, cancelled); pending ones stay. Returns how
    /// many went.
    pub fn clear_finished(&self) -> Result<usize, OutboxError> {
        let ids = {
            let mut state = self.shared.lock();
            let finished: Vec<u64> = state
                .entries
                .iter()
                .filter(|(_, e)| e.is_finished())
                .map(|(seq, _)| *seq)
                .collect();
            let ids: Vec<String> = finished
                .iter()
                .map(|seq| state.entries[seq].id.clone())
                .collect();
            state.journal.remove(ids.clone()).map_err(disk)?;
            for seq in finished {
                state.entries.remove(&seq);
            }
            state.compact_if_needed();
            ids
        };
        let count = ids.len();
        if count > 0 {
            (self.shared.listener)(HistoryEvent::Removed { ids });
        }
        Ok(count)
    }

    /// A new token was saved (or the old one forgotten): drop the cached one, lift a pause,
    /// and send what was waiting.
    pub fn token_changed(&self) {
        let lifted = {
            let mut state = self.shared.lock();
            state.token = None;
            state.pause.take().is_some()
        };
        if lifted {
            (self.shared.listener)(HistoryEvent::Paused { pause: None });
        }
        self.shared.wake.notify_one();
    }

    /// The client sending uses (a cheap clone sharing its connections).
    pub fn client(&self) -> Client {
        self.shared.client()
    }

    /// Points sending at another API address (settings changed).
    pub fn set_client(&self, client: Client) {
        *self
            .shared
            .client
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = client;
        self.shared.wake.notify_one();
    }

    pub fn set_history_limit(&self, limit: usize) -> Result<(), OutboxError> {
        let removed = {
            let mut state = self.shared.lock();
            state.history_limit = limit.max(1);
            state.evict()?
        };
        if !removed.is_empty() {
            (self.shared.listener)(HistoryEvent::Removed { ids: removed });
        }
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

    fn set_pause(&self, pause: Pause) {
        let changed = {
            let mut state = self.lock();
            state.token = None;
            let changed = state.pause.as_ref() != Some(&pause);
            state.pause = Some(pause.clone());
            changed
        };
        if changed {
            (self.listener)(HistoryEvent::Paused { pause: Some(pause) });
        }
    }

    /// The token to send with: cached, else read from the source on a blocking thread.
    async fn token(self: &Arc<Self>) -> Result<Arc<ApiToken>, Pause> {
        if let Some(token) = self.lock().token.clone() {
            return Ok(token);
        }
        let source = self.tokens.clone();
        let loaded = tokio::task::spawn_blocking(move || source.current())
            .await
            .unwrap_or_else(|_| Err("The keychain stopped answering.".into()));
        match loaded {
            Ok(Some(token)) => {
                let token = Arc::new(token);
                self.lock().token = Some(token.clone());
                Ok(token)
            }
            Ok(None) => Err(Pause::NoToken),
            Err(message) => Err(Pause::Keychain { message }),
        }
    }
}

impl State {
    /// Submission order continues after the newest entry.
    fn next_seq(&self) -> u64 {
        self.entries.keys().next_back().map_or(1, |last| last + 1)
    }

    fn seq_of(&self, id: &str) -> Option<u64> {
        self.entries
            .iter()
            .find(|(_, e)| e.id == id)
            .map(|(seq, _)| *seq)
    }

    /// Picks what can be sent now: the oldest pending action of each contact, when it is due
    /// and nothing of that contact is in flight. Returns them and how long until the next
    /// one is due.
    fn take_due(&mut self, now: u64, max_in_flight: usize) -> (Vec<Entry>, Option<Duration>) {
        if self.pause.is_some() {
            return (Vec::new(), None);
        }
        let (budget, pace_wait) = self.pacer.budget(now);
        let max_in_flight = max_in_flight.min(self.in_flight.len().saturating_add(budget));
        let mut blocked: HashSet<String> = self
            .in_flight
            .iter()
            .filter_map(|seq| self.entries.get(seq))
            .map(Entry::contact_key)
            .collect();
        let mut due = Vec::new();
        let mut next_wait: Option<Duration> = None;
        for (seq, entry) in &self.entries {
            if entry.state != EntryState::Pending || self.in_flight.contains(seq) {
                continue;
            }
            // Only the oldest pending action of a contact may go: no overtaking.
            if !blocked.insert(entry.contact_key()) {
                continue;
            }
            if entry.is_due(now) {
                if self.in_flight.len() + due.len() < max_in_flight {
                    due.push(entry.clone());
                }
            } else if let Some(at) = entry.next_attempt_at {
                let wait = Duration::from_millis(at.saturating_sub(now));
                next_wait = Some(next_wait.map_or(wait, |w| w.min(wait)));
            }
        }
        for entry in &due {
            self.in_flight.insert(entry.seq);
            self.pacer.sent(now);
        }
        if let Some(pace_wait) = pace_wait {
            next_wait = Some(next_wait.map_or(pace_wait, |w| w.min(pace_wait)));
        }
        (due, next_wait)
    }

    /// Keeps the newest `history_limit` entries; older finished ones go. Pending entries are
    /// never dropped, so the history can run over the limit while they wait.
    fn evict(&mut self) -> Result<Vec<String>, OutboxError> {
        let older = self.entries.len().saturating_sub(self.history_limit);
        if older == 0 {
            return Ok(Vec::new());
        }
        let victims: Vec<u64> = self
            .entries
            .iter()
            .take(older)
            .filter(|(_, e)| e.is_finished())
            .map(|(seq, _)| *seq)
            .collect();
        if victims.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = victims
            .iter()
            .map(|seq| self.entries[seq].id.clone())
            .collect();
        self.journal.remove(ids.clone()).map_err(disk)?;
        for seq in victims {
            self.entries.remove(&seq);
        }
        self.compact_if_needed();
        Ok(ids)
    }

    fn compact_if_needed(&mut self) {
        if self.journal.wants_compaction(self.entries.len()) {
            if let Err(err) = self.journal.compact(self.entries.values()) {
                // The journal stays valid as it is, only longer; try again next time.
                tracing::warn!("outbox compaction failed: {}", err.kind());
            }
        }
    }
}

/// Paces sending by what the server says, so a bulk run causes no retry storm: a 429 holds
/// every send until its `Retry-After` and teaches the limit it hit (then at most that many
/// sends go out in any second); a success with `X-RateLimit-Remaining: 0` holds sending for
/// the rest of the window.
#[derive(Default)]
struct Pacer {
    hold_until: u64,
    limit_per_window: Option<usize>,
    recent: std::collections::VecDeque<u64>,
}

/// The server counts requests per second; a little slack absorbs clock and network jitter.
const PACE_WINDOW_MS: u64 = 1_050;

impl Pacer {
    /// How many sends may start now, and how long until more may.
    fn budget(&mut self, now: u64) -> (usize, Option<Duration>) {
        if now < self.hold_until {
            return (0, Some(Duration::from_millis(self.hold_until - now)));
        }
        while self
            .recent
            .front()
            .is_some_and(|&at| now.saturating_sub(at) >= PACE_WINDOW_MS)
        {
            self.recent.pop_front();
        }
        match self.limit_per_window {
            None => (usize::MAX, None),
            Some(limit) if self.recent.len() < limit => (limit - self.recent.len(), None),
            Some(_) => {
                let oldest = self.recent.front().copied().unwrap_or(now);
                (
                    0,
                    Some(Duration::from_millis(
                        (oldest + PACE_WINDOW_MS).saturating_sub(now).max(1),
                    )),
                )
            }
        }
    }

    fn sent(&mut self, now: u64) {
        if self.limit_per_window.is_some() {
            self.recent.push_back(now);
        }
    }

    fn heard(&mut self, now: u64, reply: &crate::api::StatusReply) {
        match &reply.outcome {
            Outcome::RetryLater {
                after,
                reason: crate::api::RetryReason::RateLimited,
            } => {
                let after = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
                self.hold_until = self.hold_until.max(now.saturating_add(after));
                if let Some(limit) = reply.rate_limit.limit.filter(|&l| l > 0) {
                    self.limit_per_window = Some(usize::try_from(limit).unwrap_or(usize::MAX));
                }
            }
            _ if reply.rate_limit.remaining == Some(0) => {
                self.hold_until = self.hold_until.max(now + PACE_WINDOW_MS);
            }
            _ => {}
        }
    }
}

async fn run(shared: Arc<Shared>) {
    loop {
        let (due, next_wait) = shared.lock().take_due(now_ms(), shared.max_in_flight);
        for entry in due {
            tokio::spawn(send(shared.clone(), entry));
        }
        let idle = next_wait.map_or(MAX_IDLE, |wait| wait.min(MAX_IDLE));
        tokio::select! {
            () = shared.wake.notified() => {}
            () = tokio::time::sleep(idle) => {}
        }
    }
}

async fn send(shared: Arc<Shared>, entry: Entry) {
    let seq = entry.seq;
    let token = match shared.token().await {
        Ok(token) => token,
        Err(pause) => {
            shared.lock().in_flight.remove(&seq);
            shared.set_pause(pause);
            return;
        }
    };
    let attempt = entry.attempts + 1;
    let reply = shared
        .client()
        .set_status(&token, &entry.identifier, &entry.change(), attempt)
        .await;
    tracing::info!(
        entry = %entry.id,
        attempt,
        status = ?reply.http_status,
        "status call answered"
    );
    let mut pause = None;
    let (updated, removed) = {
        let mut state = shared.lock();
        state.in_flight.remove(&seq);
        let Some(current) = state.entries.get(&seq) else {
            return;
        };
        let mut updated = current.clone();
        updated.attempts = attempt;
        updated.revision += 1;
        let now = now_ms();
        state.pacer.heard(now, &reply);
        match reply.outcome {
            Outcome::Done { contact_id } => {
                updated.state = EntryState::Done;
                updated.contact_id = contact_id;
                updated.finished_at = Some(now);
                updated.last_error = None;
                updated.next_attempt_at = None;
            }
            Outcome::RetryLater { after, reason } => {
                updated.last_error = Some(reason.describe());
                let after = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
                updated.next_attempt_at = Some(now.saturating_add(after));
            }
            Outcome::Rejected { reason } => {
                updated.state = EntryState::Failed;
                updated.finished_at = Some(now);
                updated.last_error = Some(reason);
                updated.next_attempt_at = None;
            }
            Outcome::Unauthorized { reason } => {
                // Not a failure of this action: it goes out once a new token is saved.
                updated.attempts = entry.attempts;
                updated.last_error = Some(reason.clone());
                pause = Some(Pause::TokenRejected { message: reason });
            }
        }
        if let Err(err) = state.journal.put(&[&updated]) {
            // The previous record stays on disk; the action is retried from it, which is
            // safe because setting a status is idempotent.
            tracing::error!("outbox could not record an outcome: {}", err.kind());
        }
        state.entries.insert(seq, updated.clone());
        let removed = state.evict().unwrap_or_default();
        (updated, removed)
    };
    (shared.listener)(HistoryEvent::Upsert {
        entry: Box::new(updated),
    });
    if !removed.is_empty() {
        (shared.listener)(HistoryEvent::Removed { ids: removed });
    }
    if let Some(pause) = pause {
        shared.set_pause(pause);
    }
    shared.wake.notify_one();
}
