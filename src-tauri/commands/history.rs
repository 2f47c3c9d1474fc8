//! The history: a live stream of it, Try again, Clear finished.

use aelyst_core::outbox::{Entry, HistoryEvent};
use aelyst_core::AppError;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

/// Streams history changes on `on_event` from now on and answers with the history as it is,
/// in one round trip. The stream starts first, so no change falls between the two; a change
/// the answer already shows arrives again with the same revision.
#[tauri::command]
pub async fn watch_history(
    state: State<'_, AppState>,
    on_event: Channel<HistoryEvent>,
) -> Result<Vec<Entry>, AppError> {
    state.history_feed.watch(on_event);
    Ok(state.outbox.list())
}

#[tauri::command]
pub async fn retry_action(state: State<'_, AppState>, id: String) -> Result<Entry, AppError> {
    Ok(state.outbox.retry(&id)?)
}

#[tauri::command]
pub async fn clear_finished(state: State<'_, AppState>) -> Result<usize, AppError> {
    Ok(state.outbox.clear_finished()?)
}
