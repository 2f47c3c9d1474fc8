//! A workspace's history: Try again, Clear finished. (The window gets the history, and a live
//! stream of its changes, with its first answer: `window.rs`.)

use aelyst_core::outbox::Entry;
use aelyst_core::AppError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn retry_action(
    state: State<'_, AppState>,
    workspace: String,
    id: String,
) -> Result<Entry, AppError> {
    Ok(state.workspace(&workspace)?.outbox.retry(&id)?)
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn clear_finished(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<usize, AppError> {
    Ok(state.workspace(&workspace)?.outbox.clear_finished()?)
}
