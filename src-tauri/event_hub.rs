//! Where the outboxes' changes go: the shown workspace's history to the channel the window
//! opened last for it (a reload opens a new one and the old page is gone), and every
//! workspace's count of failed actions, when it changes, to the switcher's badge. The counting
//! itself is the core's (`outbox::tally`); this only delivers what changed.

use std::sync::{Mutex, MutexGuard};

use aelyst_core::outbox::tally::Tallies;
pub use aelyst_core::outbox::tally::Totals;
use aelyst_core::outbox::{Entry, HistoryEvent};
use serde::Serialize;
use tauri::ipc::Channel;

/// A workspace's count of failed actions changed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FailedCount {
    pub workspace: String,
    pub failed: usize,
}

/// Hears the totals over every workspace (waiting, failed) when they change: the tray.
pub type TotalsListener = Box<dyn Fn(Totals) + Send + Sync>;

/// Hears each action that has just failed for good, with its workspace: the notifications.
pub type FailureListener = Box<dyn Fn(&str, &Entry) + Send + Sync>;

#[derive(Default)]
pub struct EventHub {
    history: Mutex<Option<(String, Channel<HistoryEvent>)>>,
    badges: Mutex<Option<Channel<FailedCount>>>,
    tallies: Tallies,
    totals: std::sync::OnceLock<TotalsListener>,
    failures: std::sync::OnceLock<FailureListener>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl EventHub {
    pub fn send(&self, workspace: &str, event: HistoryEvent) {
        self.count(workspace, &event);
        let history = lock(&self.history);
        if let Some((_, channel)) = history.as_ref().filter(|(id, _)| id == workspace) {
            if let Err(err) = channel.send(event) {
                tracing::warn!("history change not delivered: {err}");
            }
        }
    }

    /// Counts `event`; tells the notifications of a new failure, the tray when a total
    /// changes, and the badge when the workspace's failed count does.
    fn count(&self, workspace: &str, event: &HistoryEvent) {
        let change = self.tallies.record(workspace, event);
        if let (true, HistoryEvent::Upsert { entry }) = (change.newly_failed, event) {
            if let Some(listener) = self.failures.get() {
                listener(workspace, entry);
            }
        }
        if let Some(totals) = change.totals {
            self.tell_totals(totals);
        }
        if let (Some(failed), Some(channel)) = (change.failed, lock(&self.badges).as_ref()) {
            let change = FailedCount {
                workspace: workspace.to_owned(),
                failed,
            };
            if let Err(err) = channel.send(change) {
                tracing::warn!("failed count not delivered: {err}");
            }
        }
    }

    /// The failed and waiting actions a workspace has as it opens.
    pub fn seed(&self, workspace: &str, entries: &[Entry]) {
        let totals = self.tallies.seed(workspace, entries);
        self.tell_totals(totals);
    }

    /// Waiting and failed actions over every workspace.
    pub fn totals(&self) -> Totals {
        self.tallies.totals()
    }

    /// From now on, `listener` hears the totals when they change (and now).
    pub fn watch_totals(&self, listener: TotalsListener) {
        if self.totals.set(listener).is_ok() {
            self.tell_totals(self.totals());
        }
    }

    /// From now on, `listener` hears each action that fails for good.
    pub fn watch_failures(&self, listener: FailureListener) {
        let _ = self.failures.set(listener);
    }

    fn tell_totals(&self, totals: Totals) {
        if let Some(listener) = self.totals.get() {
            listener(totals);
        }
    }

    pub fn failed(&self, workspace: &str) -> usize {
        self.tallies.failed(workspace)
    }

    pub fn forget(&self, workspace: &str) {
        let totals = self.tallies.forget(workspace);
        self.tell_totals(totals);
    }

    pub fn watch(&self, workspace: &str, channel: Channel<HistoryEvent>) {
        *lock(&self.history) = Some((workspace.to_owned(), channel));
    }

    pub fn watch_badges(&self, channel: Channel<FailedCount>) {
        *lock(&self.badges) = Some(channel);
    }
}
