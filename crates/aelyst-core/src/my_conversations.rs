//! "My conversations": who the agent is in a workspace, what a row of the list shows, and when
//! the list may ask the API again by itself, so an idle window never makes a request storm.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::api::{local_timezone, ContactPreview, ContactQuery, Feature};
use crate::outbox::Clock;
pub use crate::workspace::Me;
use crate::workspace::OpenWorkspace;
use crate::AppError;

/// Contacts asked for per page (the API allows 1–99).
pub const PAGE_SIZE: u8 = 25;

/// What the list can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "camelCase")]
pub enum ListState {
    Ok,
    /// A refresh by itself came too soon: keep what is shown.
    Skipped,
    /// This workspace cannot offer the list.
    Unavailable,
    NoToken,
    /// Ask who the agent is first.
    NoMe,
}

/// A page of the list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    pub state: ListState,
    pub rows: Vec<Row>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

impl ListPage {
    fn empty(state: ListState) -> Self {
        Self {
            state,
            rows: Vec::new(),
            next: None,
        }
    }
}

/// What the window asks for: the agent's open conversations, or with a `search` any open
/// conversation it finds, from `cursor`.
pub struct Ask<'a> {
    pub search: &'a str,
    pub cursor: Option<&'a str>,
    pub trigger: Trigger,
}

/// One page of the list of `open`, for the agent `me`. A refresh the window makes by itself
/// is skipped when the list is recent (`refresher`).
pub async fn list(
    open: std::sync::Arc<OpenWorkspace>,
    me: Option<&Me>,
    refresher: &Refresher,
    ask: Ask<'_>,
) -> Result<ListPage, AppError> {
    let search = ask.search.trim().to_owned();
    let assignee = match (search.is_empty(), me) {
        (true, Some(me)) => Some(me.id),
        (true, None) => return Ok(ListPage::empty(ListState::NoMe)),
        (false, _) => None,
    };
    if !refresher.admit(&open.id, ask.trigger) {
        return Ok(ListPage::empty(ListState::Skipped));
    }
    let reader = open.clone();
    let credentials = tokio::task::spawn_blocking(move || reader.credentials())
        .await
        .map_err(|_| AppError::internal())??;
    let Some((client, token)) = credentials else {
        return Ok(ListPage::empty(ListState::NoToken));
    };
    let query = ContactQuery {
        assignee,
        search,
        timezone: local_timezone(),
        limit: PAGE_SIZE,
    };
    Ok(match client.contacts(&token, &query, ask.cursor).await? {
        Feature::Available(page) => ListPage {
            state: ListState::Ok,
            rows: Row::open_rows(page.items),
            next: page.next,
        },
        Feature::Unavailable => ListPage::empty(ListState::Unavailable),
    })
}

/// One open conversation as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub contact_id: u64,
    /// `None` for a contact with no name (the window says "Contact 12" in the agent's words).
    pub name: Option<String>,
    /// How to reach them: the phone number, else the email.
    pub reach: Option<String>,
}

impl Row {
    /// The open ones only (the API has no filter on the conversation's status).
    pub fn open_rows(contacts: Vec<ContactPreview>) -> Vec<Self> {
        contacts
            .into_iter()
            .filter(|c| c.status.as_deref() == Some("open"))
            .map(|c| Self {
                name: c.full_name(),
                reach: c.phone.clone().or(c.email.clone()),
                contact_id: c.id,
            })
            .collect()
    }
}

/// Why the window asks for the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    /// The view was shown, the agent pressed Refresh, searched, or asked for more: always.
    Asked,
    /// The window came back to the front.
    Focus,
    /// The view's own timer, while it is shown.
    Timer,
}

/// How often the list may refresh by itself (the agent's own asks always go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Coming back to the front refreshes when the list is at least this old.
    pub focus_gap_ms: u64,
    /// The timer refreshes when the list is at least this old. A little under the window's
    /// 2-minute timer, so a tick that comes early is not skipped to the next one.
    pub timer_gap_ms: u64,
}

/// How often the window's timer asks for the list while it is shown (`ui/contract.js`).
pub const WINDOW_TIMER_MS: u64 = 120_000;

pub const REFRESH: RefreshPolicy = RefreshPolicy {
    focus_gap_ms: 30_000,
    timer_gap_ms: WINDOW_TIMER_MS - 10_000,
};

impl RefreshPolicy {
    /// Whether a refresh for `trigger` goes out, the last one having been at `last_ms`.
    pub fn due(&self, trigger: Trigger, last_ms: Option<u64>, now_ms: u64) -> bool {
        let Some(last) = last_ms else {
            return true;
        };
        let age = now_ms.saturating_sub(last);
        match trigger {
            Trigger::Asked => true,
            Trigger::Focus => age >= self.focus_gap_ms,
            Trigger::Timer => age >= self.timer_gap_ms,
        }
    }
}

/// When each workspace's list last asked the API.
pub struct Refresher {
    policy: RefreshPolicy,
    clock: Arc<dyn Clock>,
    last: Mutex<HashMap<String, u64>>,
}

impl Refresher {
    pub fn new(policy: RefreshPolicy, clock: Arc<dyn Clock>) -> Self {
        Self {
            policy,
            clock,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// True when the list of `workspace` may ask the API now for `trigger`; the time is
    /// noted when it may.
    pub fn admit(&self, workspace: &str, trigger: Trigger) -> bool {
        let now = self.clock.monotonic_ms();
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let due = self.policy.due(trigger, last.get(workspace).copied(), now);
        if due {
            last.insert(workspace.to_owned(), now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::ManualClock;

    #[test]
    fn the_agents_own_asks_always_go_and_automatic_ones_wait_their_gap() {
        let clock = Arc::new(ManualClock::at(1_000_000));
        let refresher = Refresher::new(REFRESH, clock.clone());
        assert!(refresher.admit("w", Trigger::Timer), "the first one goes");
        assert!(!refresher.admit("w", Trigger::Focus));
        assert!(!refresher.admit("w", Trigger::Timer));
        assert!(refresher.admit("w", Trigger::Asked));
        assert!(refresher.admit("other", Trigger::Focus), "per workspace");
        clock.advance(30_000);
        assert!(refresher.admit("w", Trigger::Focus));
        clock.advance(109_000);
        assert!(!refresher.admit("w", Trigger::Timer));
        clock.advance(1_000);
        assert!(refresher.admit("w", Trigger::Timer));
    }

    #[test]
    fn only_open_conversations_are_rows() {
        let contact = |id: u64, status: &str| ContactPreview {
            id,
            first_name: Some("Siti".into()),
            last_name: None,
            phone: (id == 1).then(|| "+60121233112".into()),
            email: Some(format!("c{id}@example.com")),
            status: Some(status.into()),
        };
        let rows = Row::open_rows(vec![
            contact(1, "open"),
            contact(2, "close"),
            contact(3, "open"),
        ]);
        assert_eq!(
            rows.iter().map(|r| r.contact_id).collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(rows[0].reach.as_deref(), Some("+60121233112"));
        assert_eq!(rows[1].reach.as_deref(), Some("c3@example.com"));
    }
}
