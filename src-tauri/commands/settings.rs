//! What the agent can change: the shown workspace's name, address and closing rule, and how
//! much history is kept.

use aelyst_core::policy::Setting;
use aelyst_core::settings::checked_language;
use aelyst_core::workspace::{Saved, WorkspaceSettings};
use aelyst_core::AppError;
use tauri::State;

use crate::state::AppState;

/// A workspace's settings as the window shows them.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn get_settings(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<WorkspaceSettings, AppError> {
    state.workspaces.settings_of(&workspace)
}

/// Saves them, all or nothing (see [`aelyst_core::workspace::Workspaces::save_settings`]).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn save_settings(
    state: State<'_, AppState>,
    workspace: String,
    settings: WorkspaceSettings,
) -> Result<Saved, AppError> {
    state.workspaces.save_settings(&workspace, &settings)
}

/// The agent's language (`None`: the computer's), for the whole app. The window redraws
/// itself in it; the tray and notifications read it when they next speak.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn set_language(
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<(), AppError> {
    state.workspaces.policies().check(Setting::Language)?;
    let chosen = checked_language(language.as_deref())?;
    state.preferences.update(|p| p.language = chosen)
}

/// Whether a close sent from a row picked in My conversations brings up the next row.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn set_close_and_next(state: State<'_, AppState>, on: bool) -> Result<(), AppError> {
    state.preferences.update(|p| p.close_and_next = on)
}
