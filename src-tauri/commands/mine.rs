//! "My conversations": the workspace's users (to say who you are), who you are, and your open
//! conversations or a search, a page at a time.

use aelyst_core::api::{local_timezone, ContactQuery, Feature};
use aelyst_core::mine::{Me, Row, Trigger};
use aelyst_core::AppError;
use serde::Serialize;
use tauri::State;

use crate::state::{blocking, AppState};

/// Contacts asked for per page (the API allows 1–99).
const PAGE_SIZE: u8 = 25;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: u64,
    pub name: String,
    pub email: Option<String>,
}

/// `None` when the view cannot be offered here (no token, or the workspace has no users list).
#[tauri::command]
pub async fn workspace_users(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<Option<Vec<UserView>>, AppError> {
    let open = state.workspace(&workspace)?;
    let Some((client, token)) = blocking(move || Ok(open.credentials()?)).await? else {
        return Ok(None);
    };
    Ok(match client.users(&token).await? {
        Feature::Available(users) => Some(
            users
                .into_iter()
                .map(|u| UserView {
                    name: u.display_name(),
                    id: u.id,
                    email: u.email,
                })
                .collect(),
        ),
        Feature::Unavailable => None,
    })
}

/// Who the agent is in this workspace (`None` forgets it).
#[tauri::command]
pub async fn set_me(
    state: State<'_, AppState>,
    workspace: String,
    me: Option<Me>,
) -> Result<(), AppError> {
    Ok(state.settings.update(|s| {
        s.existing(&workspace)?.me = me;
        Ok(())
    })?)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MineView {
    /// `ok`, `skipped` (a refresh by itself came too soon: keep what is shown), `unavailable`
    /// (this workspace cannot offer the list), `noToken`, or `noMe` (ask who the agent is).
    pub state: &'static str,
    pub rows: Vec<Row>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

impl MineView {
    fn empty(state: &'static str) -> Self {
        Self {
            state,
            rows: Vec::new(),
            next: None,
        }
    }
}

/// The open conversations assigned to the agent (or, with `search`, any open conversation the
/// search finds), from `cursor`. A refresh the window makes by itself (`trigger`) is skipped
/// when the list is recent.
#[tauri::command]
pub async fn my_conversations(
    state: State<'_, AppState>,
    workspace: String,
    search: String,
    cursor: Option<String>,
    trigger: Trigger,
) -> Result<MineView, AppError> {
    let open = state.workspace(&workspace)?;
    let search = search.trim().to_owned();
    let assignee = if search.is_empty() {
        match state.read_workspace(&workspace, |w| w.me.clone())? {
            Some(me) => Some(me.id),
            None => return Ok(MineView::empty("noMe")),
        }
    } else {
        None
    };
    if !state.refresher.admit(&workspace, trigger) {
        return Ok(MineView::empty("skipped"));
    }
    let Some((client, token)) = blocking(move || Ok(open.credentials()?)).await? else {
        return Ok(MineView::empty("noToken"));
    };
    let query = ContactQuery {
        assignee,
        search,
        timezone: local_timezone(),
        limit: PAGE_SIZE,
    };
    Ok(
        match client.contacts(&token, &query, cursor.as_deref()).await? {
            Feature::Available(page) => MineView {
                state: "ok",
                rows: Row::open_rows(page.items),
                next: page.next,
            },
            Feature::Unavailable => MineView::empty("unavailable"),
        },
    )
}
