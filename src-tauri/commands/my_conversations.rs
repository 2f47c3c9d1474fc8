//! "My conversations": the workspace's users (to say who you are), who you are, and your open
//! conversations or a search, a page at a time.

use aelyst_core::api::Feature;
use aelyst_core::my_conversations::{self, Ask, ListPage, Me, Trigger};
use aelyst_core::AppError;
use serde::Serialize;
use tauri::State;

use crate::state::{blocking, AppState};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: u64,
    pub name: String,
    pub email: Option<String>,
}

/// `None` when the view cannot be offered here (no token, or the workspace has no users list).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
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
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
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

/// A page of the agent's open conversations (or, with `search`, of any open conversation
/// the search finds), from `cursor`. A refresh the window makes by itself (`trigger`) is
/// skipped when the list is recent.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn my_conversations(
    state: State<'_, AppState>,
    workspace: String,
    search: String,
    cursor: Option<String>,
    trigger: Trigger,
) -> Result<ListPage, AppError> {
    let open = state.workspace(&workspace)?;
    let me = state
        .workspaces
        .read_workspace(&workspace, |w| w.me.clone())?;
    let ask = Ask {
        search: &search,
        cursor: cursor.as_deref(),
        trigger,
    };
    my_conversations::list(open, me.as_ref(), &state.refresher, ask).await
}
