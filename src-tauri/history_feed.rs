//! Where the outboxes' changes go: the shown workspace's history to the channel the window
//! opened last for it (a reload opens a new one and the old page is gone), and every
//! workspace's count of failed actions, when it changes, to the switcher's badge.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use aelyst_core::outbox::{Entry, EntryState, HistoryEvent};
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub waiting: usize,
    pub failed: usize,
}

/// Entry ids by workspace, for one state.
type Ids = HashMap<String, HashSet<String>>;

#[derive(Default)]
pub struct HistoryFeed {
    history: Mutex<Option<(String, Channel<HistoryEvent>)>>,
    badges: Mutex<Option<Channel<FailedCount>>>,
    /// The failed entries' ids, by workspace.
    failed: Mutex<Ids>,
    /// The waiting (pending) entries' ids, by workspace.
    waiting: Mutex<Ids>,
    /// The newest revision heard of each entry (workspace, id): the outbox tells listeners
    /// after it lets go of its lock, so a send's answer can overtake the submit's own news,
    /// and an older copy must not put a done entry back among the waiting.
    revisions: Mutex<HashMap<(String, String), u64>>,
    totals: std::sync::OnceLock<TotalsListener>,
    failures: std::sync::OnceLock<FailureListener>,
}

/// Hears each action that has just failed for good, with its workspace: the notifications.
pub type FailureListener = Box<dyn Fn(&str, &Entry) + Send + Sync>;

/// Keeps `ids` of `workspace` in step with `event`, for entries in `state`. True when the
/// count changed.
fn track(all: &mut Ids, workspace: &str, event: &HistoryEvent, state: EntryState) -> bool {
    let ids = all.entry(workspace.to_owned()).or_default();
    let before = ids.len();
    match event {
        HistoryEvent::Upsert { entry } if entry.state == state => {
            ids.insert(entry.id.clone());
        }
        HistoryEvent::Upsert { entry } => {
            ids.remove(&entry.id);
        }
        HistoryEvent::Removed { ids: gone } => {
            for id in gone {
                ids.remove(id);
            }
        }
        HistoryEvent::Paused { .. } => {}
    }
    ids.len() != before
}

fn total(all: &Ids) -> usize {
    all.values().map(HashSet::len).sum()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl HistoryFeed {
    pub fn send(&self, workspace: &str, event: HistoryEvent) {
        self.count(workspace, &event);
        let history = lock(&self.history);
        if let Some((_, channel)) = history.as_ref().filter(|(id, _)| id == workspace) {
            if let Err(err) = channel.send(event) {
                tracing::warn!("history change not delivered: {err}");
            }
        }
    }

    /// Whether `event` is news for the tallies: not an older copy of an entry already heard.
    fn is_news(&self, workspace: &str, event: &HistoryEvent) -> bool {
        let mut revisions = lock(&self.revisions);
        match event {
            HistoryEvent::Upsert { entry } => {
                let key = (workspace.to_owned(), entry.id.clone());
                match revisions.get(&key) {
                    Some(newest) if *newest > entry.revision => false,
                    _ => {
                        revisions.insert(key, entry.revision);
                        true
                    }
                }
            }
            HistoryEvent::Removed { ids } => {
                for id in ids {
                    revisions.remove(&(workspace.to_owned(), id.clone()));
                }
                true
            }
            HistoryEvent::Paused { .. } => true,
        }
    }

    /// Keeps the failed and waiting counts of `workspace`; tells the badge when the failed
    /// count changes, and the tray when either total does.
    fn count(&self, workspace: &str, event: &HistoryEvent) {
        if !self.is_news(workspace, event) {
            return;
        }
        let waiting_changed = track(
            &mut lock(&self.waiting),
            workspace,
            event,
            EntryState::Pending,
        );
        let failed = {
            let mut all = lock(&self.failed);
            track(&mut all, workspace, event, EntryState::Failed)
                .then(|| all.get(workspace).map_or(0, HashSet::len))
        };
        if let (HistoryEvent::Upsert { entry }, Some(_)) = (event, failed) {
            if entry.state == EntryState::Failed {
                if let Some(listener) = self.failures.get() {
                    listener(workspace, entry);
                }
            }
        }
        if waiting_changed || failed.is_some() {
            self.tell_totals();
        }
        if let (Some(failed), Some(channel)) = (failed, lock(&self.badges).as_ref()) {
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
        let ids = |state: EntryState| -> HashSet<String> {
            entries
                .iter()
                .filter(|e| e.state == state)
                .map(|e| e.id.clone())
                .collect()
        };
        lock(&self.failed).insert(workspace.to_owned(), ids(EntryState::Failed));
        lock(&self.waiting).insert(workspace.to_owned(), ids(EntryState::Pending));
        self.tell_totals();
    }

    /// Waiting and failed actions over every workspace.
    pub fn totals(&self) -> Totals {
        Totals {
            waiting: total(&lock(&self.waiting)),
            failed: total(&lock(&self.failed)),
        }
    }

    /// From now on, `listener` hears the totals when they change (and now).
    pub fn watch_totals(&self, listener: TotalsListener) {
        if self.totals.set(listener).is_ok() {
            self.tell_totals();
        }
    }

    /// From now on, `listener` hears each action that fails for good.
    pub fn watch_failures(&self, listener: FailureListener) {
        let _ = self.failures.set(listener);
    }

    fn tell_totals(&self) {
        if let Some(listener) = self.totals.get() {
            listener(self.totals());
        }
    }

    pub fn failed(&self, workspace: &str) -> usize {
        lock(&self.failed).get(workspace).map_or(0, HashSet::len)
    }

    pub fn forget(&self, workspace: &str) {
        lock(&self.failed).remove(workspace);
        lock(&self.waiting).remove(workspace);
        lock(&self.revisions).retain(|(of, _), _| of != workspace);
        self.tell_totals();
    }

    pub fn watch(&self, workspace: &str, channel: Channel<HistoryEvent>) {
        *lock(&self.history) = Some((workspace.to_owned(), channel));
    }

    pub fn watch_badges(&self, channel: Channel<FailedCount>) {
        *lock(&self.badges) = Some(channel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aelyst_core::api::{Action, Identifier, StatusChange};

    fn entry(revision: u64, state: EntryState) -> Entry {
        let mut entry = Entry::new(
            1,
            0,
            Identifier::parse("id:1").unwrap(),
            StatusChange::new(Action::Open, None, None).unwrap(),
        );
        entry.id = "e-1".into();
        entry.revision = revision;
        entry.state = state;
        entry
    }

    fn upsert(entry: Entry) -> HistoryEvent {
        HistoryEvent::Upsert {
            entry: Box::new(entry),
        }
    }

    #[test]
    fn an_answer_that_overtakes_the_submits_news_leaves_nothing_waiting() {
        let feed = HistoryFeed::default();
        feed.count("w", &upsert(entry(1, EntryState::Done)));
        feed.count("w", &upsert(entry(0, EntryState::Pending)));
        assert_eq!(feed.totals(), Totals::default(), "a stale copy counted");
        // In order, as usual.
        feed.count("w", &upsert(entry(2, EntryState::Pending)));
        assert_eq!(feed.totals().waiting, 1);
        feed.count("w", &upsert(entry(3, EntryState::Failed)));
        assert_eq!(
            feed.totals(),
            Totals {
                waiting: 0,
                failed: 1
            }
        );
        feed.count(
            "w",
            &HistoryEvent::Removed {
                ids: vec!["e-1".into()],
            },
        );
        assert_eq!(feed.totals(), Totals::default());
    }
}
