//! One action an agent submitted, and where it stands.

use serde::{Deserialize, Serialize};

use crate::api::{Action, Identifier, Outcome, Reason, RetryReason, StatusChange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
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
    /// Why it failed, or why it is still waiting: a code the window words.
    #[serde(default)]
    pub reason: Option<Reason>,
    /// The plain English words versions before 0.5 kept instead of `reason`; read once, on
    /// load, into `Reason::Legacy` (see [`Entry::upgrade`]), and never written.
    #[serde(default, rename = "lastError", skip_serializing)]
    legacy_error: Option<String>,
    pub contact_id: Option<u64>,
    /// When the next try is due (ms since the epoch); `None` means "as soon as possible".
    pub next_attempt_at: Option<u64>,
    /// Counts changes, so a view that hears of two versions keeps the newer one.
    #[serde(default)]
    pub revision: u64,
    /// The bulk run this action belongs to, if any.
    #[serde(default)]
    pub batch: Option<String>,
    /// 5xx answers in a row just before now; only these can fail an action for good.
    #[serde(default)]
    pub server_errors_in_a_row: u32,
    /// The API address it was made for (normalised): it is sent there or nowhere, whatever
    /// the workspace's address is later. `None` only in a journal of an earlier version: a
    /// waiting entry is given the workspace's address when the outbox opens it; a finished
    /// one keeps none, and is never sent again from the history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Entry {
    /// A new action, not yet tied to an address: [`Entry::for_address`] does that.
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
            reason: None,
            legacy_error: None,
            contact_id: None,
            next_attempt_at: None,
            revision: 0,
            batch: None,
            server_errors_in_a_row: 0,
            address: None,
        }
    }

    /// Tied to the address it is made for.
    pub fn for_address(mut self, address: &url::Url) -> Self {
        self.address = Some(address.to_string());
        self
    }

    /// Whether it was made for `address`. A finished entry of an earlier version's journal has
    /// no address, and counts as made for none.
    pub fn made_for(&self, address: &url::Url) -> bool {
        self.address.as_deref() == Some(address.as_str())
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

    /// The tries so far and the one about to be made.
    pub fn next_tries(&self) -> crate::api::Tries {
        crate::api::Tries {
            attempt: self.attempts + 1,
            server_errors_in_a_row: self.server_errors_in_a_row,
        }
    }

    /// The next version of this entry after `change` at `now`: the one place an entry's state
    /// moves, so every path (send, retry, cancel) records the same fields.
    pub fn transition(&self, change: Transition<'_>, now: u64) -> Self {
        let mut next = self.clone();
        next.revision += 1;
        match change {
            Transition::Cancel => {
                next.finish(EntryState::Cancelled, now, Some(Reason::Cancelled));
            }
            Transition::OtherAddress => {
                let address = self.address.clone().unwrap_or_default();
                next.finish(
                    EntryState::Failed,
                    now,
                    Some(Reason::OtherAddress { address }),
                );
            }
            Transition::Retry => {
                next.state = EntryState::Pending;
                next.attempts = 0;
                next.server_errors_in_a_row = 0;
                next.reason = None;
                next.finished_at = None;
                next.next_attempt_at = None;
            }
            Transition::Answered { attempt, outcome } => {
                next.server_errors_in_a_row = match outcome {
                    Outcome::RetryLater {
                        reason: RetryReason::ServerError { .. },
                        ..
                    } => self.server_errors_in_a_row + 1,
                    Outcome::Unauthorized => self.server_errors_in_a_row,
                    _ => 0,
                };
                match outcome {
                    Outcome::Done { contact_id } => {
                        next.attempts = attempt;
                        next.contact_id = *contact_id;
                        next.finish(EntryState::Done, now, None);
                    }
                    Outcome::RetryLater { after, reason } => {
                        next.attempts = attempt;
                        next.reason = Some(reason.into());
                        let after = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
                        next.next_attempt_at = Some(now.saturating_add(after));
                    }
                    Outcome::Rejected { reason } => {
                        next.attempts = attempt;
                        next.finish(EntryState::Failed, now, Some(reason.clone()));
                    }
                    // Not a failure of this action, and not a try: it goes out once a new token
                    // is saved.
                    Outcome::Unauthorized => {
                        next.reason = Some(Reason::TokenRefused);
                    }
                }
            }
        }
        next
    }

    fn finish(&mut self, state: EntryState, now: u64, reason: Option<Reason>) {
        self.state = state;
        self.finished_at = Some(now);
        self.next_attempt_at = None;
        self.reason = reason;
    }

    /// Why it waits or failed, in English words naming its contact: for the log and the CSV
    /// export (the window words the reason itself).
    pub fn reason_text(&self) -> Option<String> {
        self.reason.as_ref().map(|reason| match reason {
            Reason::NoContact => format!("No contact matches {}.", self.identifier.describe()),
            other => other.to_string(),
        })
    }

    /// An entry as an earlier version wrote it: its English words become a `Legacy` reason,
    /// shown as they are.
    pub fn upgrade(&mut self) {
        if let Some(text) = self.legacy_error.take() {
            self.reason.get_or_insert(Reason::Legacy { text });
        }
    }
}

/// What can happen to an entry.
#[derive(Debug, Clone, Copy)]
pub enum Transition<'a> {
    /// The agent stopped it before it was sent.
    Cancel,
    /// It is due, but the workspace now sends to another address than it was made for.
    OtherAddress,
    /// The agent put a failed or cancelled action back in the queue, as if just submitted.
    Retry,
    /// The server answered try number `attempt`.
    Answered { attempt: u32, outcome: &'a Outcome },
}
