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

#[derive(Default)]
pub struct HistoryFeed {
    history: Mutex<Option<(String, Channel<HistoryEvent>)>>,
    badges: Mutex<Option<Channel<FailedCount>>>,
    /// The failed entries' ids, by workspace.
    failed: Mutex<HashMap<String, HashSet<String>>>,
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

    /// Keeps the failed count of `workspace` and tells the badge when it changes.
    fn count(&self, workspace: &str, event: &HistoryEvent) {
        let failed = {
            let mut all = lock(&self.failed);
            let ids = all.entry(workspace.to_owned()).or_default();
            let before = ids.len();
            match event {
                HistoryEvent::Upsert { entry } if entry.state == EntryState::Failed => {
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
            (ids.len() != before).then_some(ids.len())
        };
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

    /// The failed actions a workspace has as it opens.
    pub fn seed(&self, workspace: &str, entries: &[Entry]) {
        let ids = entries
            .iter()
            .filter(|e| e.state == EntryState::Failed)
            .map(|e| e.id.clone())
            .collect();
        lock(&self.failed).insert(workspace.to_owned(), ids);
    }

    pub fn failed(&self, workspace: &str) -> usize {
        lock(&self.failed).get(workspace).map_or(0, HashSet::len)
    }

    pub fn forget(&self, workspace: &str) {
        lock(&self.failed).remove(workspace);
    }

    pub fn watch(&self, workspace: &str, channel: Channel<HistoryEvent>) {
        *lock(&self.history) = Some((workspace.to_owned(), channel));
    }

    pub fn watch_badges(&self, channel: Channel<FailedCount>) {
        *lock(&self.badges) = Some(channel);
    }
}
