//! The workspaces: the list with each one's failed count (the window gets it, and a stream of
//! changes to it, with its first answer: `window.rs`), which one the window shows, adding and
//! removing one, cancelling what waits in one.

use aelyst_core::workspace::ClosingRule;
use aelyst_core::AppError;
use serde::Serialize;
use tauri::State;

/// How long "cancel them" waits for actions on their way to come back unanswered.
const CANCEL_PATIENCE: std::time::Duration = std::time::Duration::from_secs(3);
use crate::state::{blocking, AppState};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    /// Where its actions go.
    pub api_base_url: String,
    /// The API is on this computer: show the "Sandbox" badge.
    pub sandbox: bool,
    pub closing_rule: ClosingRule,
    pub failed: usize,
    /// Who the agent said they are here: the window opens on "My conversations".
    pub me: Option<aelyst_core::my_conversations::Me>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspacesView {
    /// The one the window shows.
    pub shown: String,
    pub workspaces: Vec<WorkspaceView>,
}

/// The workspaces, with the one shown (the window's first answer: `window::open_window`).
pub(crate) fn list(state: &AppState) -> WorkspacesView {
    let settings = state.settings.get();
    let workspaces = settings
        .workspaces
        .iter()
        .map(|w| {
            let address = w.address();
            WorkspaceView {
                id: w.id.clone(),
                name: w.name.clone(),
                sandbox: aelyst_core::api::ClientConfig::new(&address).is_ok_and(|c| c.is_local()),
                api_base_url: address,
                closing_rule: w.closing_rule,
                failed: state.event_hub.failed(&w.id),
                me: w.me.clone(),
            }
        })
        .collect();
    WorkspacesView {
        shown: settings.shown.unwrap_or_default(),
        workspaces,
    }
}

/// Shows another workspace (remembered for the next start).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn show_workspace(state: State<'_, AppState>, workspace: String) -> Result<(), AppError> {
    state.workspace(&workspace)?;
    Ok(state.settings.update(|s| {
        s.shown = Some(workspace);
        Ok(())
    })?)
}

/// Adds a workspace (no token yet) and shows it. Returns its id.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn add_workspace(
    state: State<'_, AppState>,
    name: String,
    api_base_url: String,
) -> Result<String, AppError> {
    let id = state.workspaces.add(&name, &api_base_url)?;
    state.settings.update(|s| {
        s.shown = Some(id.clone());
        Ok(())
    })?;
    Ok(id)
}

/// Removes a workspace: refused with how many actions still wait (the window offers to wait or
/// to cancel them), and for the only one.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn remove_workspace(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<(), AppError> {
    let workspaces = state.workspaces.clone();
    let id = workspace.clone();
    blocking(move || workspaces.remove(&id)).await?;
    state.event_hub.forget(&workspace);
    Ok(())
}

/// Cancels every action of the workspace not sent yet (recorded as cancelled), waiting a
/// moment for those on their way to come back. Returns how many.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn cancel_waiting(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<usize, AppError> {
    let open = state.workspace(&workspace)?;
    Ok(open
        .outbox
        .cancel_waiting_patiently(CANCEL_PATIENCE)
        .await?)
}
