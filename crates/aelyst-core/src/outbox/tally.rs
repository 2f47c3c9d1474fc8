//! How many actions wait and how many failed, per workspace and over all of them, kept in step
//! with the outboxes' events: what the tray, the switcher's badges and closing to the tray
//! go by. The shell passes each event through [`Tallies::record`] and tells its listeners what
//! changed.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use super::{Entry, EntryState, HistoryEvent};

/// Waiting and failed actions over every workspace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub waiting: usize,
    pub failed: usize,
}

/// What one event changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    /// The workspace's count of failed actions, when it changed.
    pub failed: Option<usize>,
    /// The event is an action that has just failed for good (heard once per failure).
    pub newly_failed: bool,
    /// The totals, when either changed.
    pub totals: Option<Totals>,
}

/// Entry ids by workspace, for one state.
type Ids = HashMap<String, HashSet<String>>;

#[derive(Default)]
pub struct Tallies {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    failed: Ids,
    waiting: Ids,
    /// The newest revision heard of each entry (workspace, id): an outbox tells listeners
    /// after it lets go of its lock, so a send's answer can overtake the submit's own news,
    /// and an older copy must not put a done entry back among the waiting.
    revisions: HashMap<(String, String), u64>,
}

impl Inner {
    fn totals(&self) -> Totals {
        let total = |all: &Ids| all.values().map(HashSet::len).sum();
        Totals {
            waiting: total(&self.waiting),
            failed: total(&self.failed),
        }
    }

    /// Whether `event` is news: not an older copy of an entry already heard.
    fn is_news(&mut self, workspace: &str, event: &HistoryEvent) -> bool {
        match event {
            HistoryEvent::Upsert { entry } => {
                let key = (workspace.to_owned(), entry.id.clone());
                match self.revisions.get(&key) {
                    Some(newest) if *newest > entry.revision => false,
                    _ => {
                        self.revisions.insert(key, entry.revision);
                        true
                    }
                }
            }
            HistoryEvent::Removed { ids } => {
                for id in ids {
                    self.revisions.remove(&(workspace.to_owned(), id.clone()));
                }
                true
            }
            HistoryEvent::Paused { .. } => true,
        }
    }
}

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

impl Tallies {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every change is whole before the lock is let go: a panic cannot leave half of one.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts `event` of `workspace`; says what changed.
    pub fn record(&self, workspace: &str, event: &HistoryEvent) -> Change {
        let mut inner = self.lock();
        if !inner.is_news(workspace, event) {
            return Change::default();
        }
        let waiting_changed = track(&mut inner.waiting, workspace, event, EntryState::Pending);
        let failed = track(&mut inner.failed, workspace, event, EntryState::Failed)
            .then(|| inner.failed.get(workspace).map_or(0, HashSet::len));
        let newly_failed = failed.is_some()
            && matches!(event, HistoryEvent::Upsert { entry } if entry.state == EntryState::Failed);
        Change {
            failed,
            newly_failed,
            totals: (waiting_changed || failed.is_some()).then(|| inner.totals()),
        }
    }

    /// The failed and waiting actions a workspace has as it opens; the totals after.
    pub fn seed(&self, workspace: &str, entries: &[Entry]) -> Totals {
        let ids = |state: EntryState| -> HashSet<String> {
            entries
                .iter()
                .filter(|e| e.state == state)
                .map(|e| e.id.clone())
                .collect()
        };
        let mut inner = self.lock();
        inner
            .failed
            .insert(workspace.to_owned(), ids(EntryState::Failed));
        inner
            .waiting
            .insert(workspace.to_owned(), ids(EntryState::Pending));
        inner.totals()
    }

    pub fn totals(&self) -> Totals {
        self.lock().totals()
    }

    /// A workspace's count of failed actions.
    pub fn failed(&self, workspace: &str) -> usize {
        self.lock().failed.get(workspace).map_or(0, HashSet::len)
    }

    /// Drops a removed workspace's counts; the totals after.
    pub fn forget(&self, workspace: &str) -> Totals {
        let mut inner = self.lock();
        inner.failed.remove(workspace);
        inner.waiting.remove(workspace);
        inner.revisions.retain(|(of, _), _| of != workspace);
        inner.totals()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Action, Identifier, StatusChange};

    fn entry(id: &str, revision: u64, state: EntryState) -> Entry {
        let mut entry = Entry::new(
            1,
            0,
            Identifier::parse("id:1").unwrap(),
            StatusChange::new(Action::Open, None, None).unwrap(),
        );
        entry.id = id.into();
        entry.revision = revision;
        entry.state = state;
        entry
    }

    fn upsert(entry: Entry) -> HistoryEvent {
        HistoryEvent::Upsert {
            entry: Box::new(entry),
        }
    }

    const fn totals(waiting: usize, failed: usize) -> Totals {
        Totals { waiting, failed }
    }

    #[test]
    fn an_answer_that_overtakes_the_submits_news_leaves_nothing_waiting() {
        let tallies = Tallies::default();
        tallies.record("w", &upsert(entry("e-1", 1, EntryState::Done)));
        let stale = tallies.record("w", &upsert(entry("e-1", 0, EntryState::Pending)));
        assert_eq!(stale, Change::default(), "a stale copy changes nothing");
        assert_eq!(tallies.totals(), Totals::default());
        // In order, as usual.
        let sent = tallies.record("w", &upsert(entry("e-1", 2, EntryState::Pending)));
        assert_eq!(sent.totals, Some(totals(1, 0)));
        assert_eq!(sent.failed, None);
        let failed = tallies.record("w", &upsert(entry("e-1", 3, EntryState::Failed)));
        assert_eq!(
            failed,
            Change {
                failed: Some(1),
                newly_failed: true,
                totals: Some(totals(0, 1)),
            }
        );
        let gone = tallies.record(
            "w",
            &HistoryEvent::Removed {
                ids: vec!["e-1".into()],
            },
        );
        assert_eq!(gone.failed, Some(0));
        assert!(!gone.newly_failed);
        assert_eq!(tallies.totals(), Totals::default());
    }

    #[test]
    fn a_failure_is_news_once_and_workspaces_are_counted_apart() {
        let tallies = Tallies::default();
        let totals_after_seed = tallies.seed(
            "a",
            &[
                entry("a-1", 0, EntryState::Failed),
                entry("a-2", 0, EntryState::Pending),
                entry("a-3", 0, EntryState::Done),
            ],
        );
        assert_eq!(totals_after_seed, totals(1, 1));
        let again = tallies.record("a", &upsert(entry("a-1", 1, EntryState::Failed)));
        assert_eq!(again, Change::default(), "already counted as failed");
        let b = tallies.record("b", &upsert(entry("b-1", 0, EntryState::Failed)));
        assert_eq!(b.failed, Some(1));
        assert!(b.newly_failed);
        assert_eq!(b.totals, Some(totals(1, 2)));
        assert_eq!((tallies.failed("a"), tallies.failed("b")), (1, 1));
        let paused = tallies.record("a", &HistoryEvent::Paused { pause: None });
        assert_eq!(paused, Change::default());
        assert_eq!(tallies.forget("a"), totals(0, 1));
        assert_eq!(tallies.failed("a"), 0);
        // A forgotten workspace's entries start afresh: an old revision counts again.
        let back = tallies.record("a", &upsert(entry("a-1", 0, EntryState::Pending)));
        assert_eq!(back.totals, Some(totals(1, 1)));
    }
}
