//! The outbox's inside: the state under its one lock (the journal, the schedule, the pause,
//! the cached token), and what is shared with the worker (the client, the token source, the
//! listener). Every change goes through [`Shared::commit`]: on disk first, then in memory,
//! then told.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use tokio::sync::Notify;

use super::error::disk;
use super::journal::Journal;
use super::scheduler::{self, Schedule};
use super::{Clock, Entry, EntryState, HistoryEvent, Listener, OutboxError, Pause, TokenSource};
use crate::api::{ApiToken, Client};
use crate::keychain::{FailCause, KeychainError};

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) wake: Notify,
    pub(super) client: RwLock<Client>,
    pub(super) tokens: Arc<dyn TokenSource>,
    pub(super) listener: Listener,
    pub(super) max_in_flight: usize,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) keychain_recheck: std::time::Duration,
    /// Set by [`Outbox::stop`]: the worker ends at its next turn.
    pub(super) stopped: std::sync::atomic::AtomicBool,
    /// How many times the worker has looked for due work (see [`Outbox::progress`]).
    pub(super) turns: std::sync::atomic::AtomicU64,
}

pub(super) struct State {
    pub(super) journal: Journal,
    pub(super) schedule: Schedule,
    pub(super) pause: Option<Pause>,
    /// The token read last, with the address it was read for.
    pub(super) token: Option<(String, Arc<ApiToken>)>,
    /// Counts the times the cached token was dropped (saved, replaced, forgotten, the address
    /// changed): a keychain read that began before is not kept.
    pub(super) token_generation: u64,
    pub(super) history_limit: usize,
    /// See [`Outbox::close`].
    pub(super) closed: bool,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn client(&self) -> Client {
        self.client
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Runs `change` on the state to get new versions of entries, writes them to the journal
    /// in one durable append, then to memory; only then tells the window and wakes the worker.
    /// Nothing is announced that is not on disk.
    pub(super) fn commit(
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

    pub(super) fn removed(&self, ids: Vec<String>) {
        if !ids.is_empty() {
            (self.listener)(HistoryEvent::Removed { ids });
        }
    }

    pub(super) fn lift_pause(&self) {
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

    pub(super) fn paused_by_keychain(&self) -> bool {
        matches!(self.lock().pause, Some(Pause::Keychain { .. }))
    }

    /// Asks the keychain again; when it answers, lifts the pause and keeps the token it read
    /// (no second read for the sends that follow). True while it still cannot be read.
    pub(super) async fn recheck_keychain(self: &Arc<Self>) -> bool {
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

    pub(super) fn set_pause(&self, pause: Pause) {
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
    pub(super) async fn credentials(self: &Arc<Self>) -> Result<(Client, Arc<ApiToken>), Pause> {
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
    pub(super) fn waiting(&self) -> usize {
        self.schedule
            .entries
            .values()
            .filter(|e| e.state == EntryState::Pending)
            .count()
    }

    /// What can be sent now (nothing while sending is paused).
    pub(super) fn take_due(
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
    pub(super) fn evict(&mut self) -> Result<Vec<String>, OutboxError> {
        let victims = self.schedule.over_limit(self.history_limit);
        self.remove(victims)
    }

    /// Removes these entries from the journal, then from memory. Returns their ids.
    pub(super) fn remove(&mut self, seqs: Vec<u64>) -> Result<Vec<String>, OutboxError> {
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
