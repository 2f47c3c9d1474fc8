//! One action an agent submitted, and where it stands.

use serde::{Deserialize, Serialize};

use crate::api::{Action, Identifier, StatusChange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// Saved on disk; being sent, or waiting to be sent again.
    Pending,
    Done,
    /// Will not go through as it is; the agent can retry it.
    Failed,
    /// The agent stopped it (a bulk run's Cancel) before it was sent.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Stable id, shown to nobody but used by the window to address the entry.
    pub id: String,
    /// Submission order; actions for one contact are sent in this order.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub created_at: u64,
    pub finished_at: Option<u64>,
    pub identifier: Identifier,
    pub action: Action,
    pub category: Option<String>,
    pub summary: Option<String>,
    pub state: EntryState,
    pub attempts: u32,
    /// Why it failed, or why it is still waiting, in plain words.
    pub last_error: Option<String>,
    pub contact_id: Option<u64>,
    /// When the next try is due (ms since the epoch); `None` means "as soon as possible".
    pub next_attempt_at: Option<u64>,
    /// Counts changes, so a view that hears of two versions keeps the newer one.
    #[serde(default)]
    pub revision: u64,
    /// The bulk run this action belongs to, if any.
    #[serde(default)]
    pub batch: Option<String>,
}

impl Entry {
    pub fn new(seq: u64, now: u64, identifier: Identifier, change: StatusChange) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            seq,
            created_at: now,
            finished_at: None,
            identifier,
            action: change.status,
            category: change.category,
            summary: change.summary,
            state: EntryState::Pending,
            attempts: 0,
            last_error: None,
            contact_id: None,
            next_attempt_at: None,
            revision: 0,
            batch: None,
        }
    }

    pub fn change(&self) -> StatusChange {
        StatusChange {
            status: self.action,
            category: self.category.clone(),
            summary: self.summary.clone(),
        }
    }

    /// Actions with the same key must reach the server in submission order.
    pub fn contact_key(&self) -> String {
        self.identifier.api_form()
    }

    pub fn is_finished(&self) -> bool {
        self.state != EntryState::Pending
    }

    pub fn is_due(&self, now: u64) -> bool {
        self.state == EntryState::Pending && self.next_attempt_at.is_none_or(|at| at <= now)
    }
}
