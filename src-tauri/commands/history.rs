//! A workspace's history: a live stream of it, Try again, Clear finished.

use aelyst_core::outbox::{Entry, HistoryEvent};
use aelyst_core::AppError;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

/// Streams the workspace's history changes on `on_event` from now on (instead of any other
/// workspace's) and answers with its history as it is, in one round trip. The stream starts
/// first, so no change falls between the two; a change the answer already shows arrives again
/// with the same revision.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn watch_history(
    state: State<'_, AppState>,
    workspace: String,
    on_event: Channel<HistoryEvent>,
) -> Result<Vec<Entry>, AppError> {
    let open = state.workspace(&workspace)?;
    state.event_hub.watch(&workspace, on_event);
    Ok(open.outbox.list())
}

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
