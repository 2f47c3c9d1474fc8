//! The window's first question, answered at once: the workspaces and which one is shown, and
//! that one's token status, cached closing categories and history, with the streams of the
//! changes to come (each workspace's failed count, the shown one's history). One round trip:
//! the page asked the workspaces first and the rest once it knew which was shown, two rounds
//! on the way to a window that works (README, Figures).

use aelyst_core::outbox::{Entry, HistoryEvent};
use aelyst_core::AppError;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use super::token::{self, TokenStatus};
use super::workspaces::{self, WorkspacesView};
use crate::event_hub::FailedCount;
use crate::state::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Opening {
    pub workspaces: WorkspacesView,
    /// The shown workspace's.
    pub token: TokenStatus,
    pub categories: Vec<String>,
    pub history: Vec<Entry>,
}

/// Streams start before the lists are read, so no change falls between the two; a change the
/// answer already shows arrives again with the same revision.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn open_window(
    state: State<'_, AppState>,
    on_failed_count: Channel<FailedCount>,
    on_history: Channel<HistoryEvent>,
) -> Result<Opening, AppError> {
    state.event_hub.watch_badges(on_failed_count);
    let workspaces = workspaces::list(&state);
    let shown = state.workspace(&workspaces.shown)?;
    state.event_hub.watch(&workspaces.shown, on_history);
    Ok(Opening {
        history: shown.outbox.list(),
        categories: state.workspaces.category_choices(&workspaces.shown)?,
        token: token::status(&state, &workspaces.shown).await?,
        workspaces,
    })
}
