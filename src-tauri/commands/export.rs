//! A workspace's history as a CSV file where the agent chooses.

use aelyst_core::policy::Setting;
use aelyst_core::{export, AppError};
use tauri::{AppHandle, Runtime, State};

use crate::state::{blocking, AppState};

/// Saves the given history entries (all when `ids` is empty) as CSV where the agent chooses.
/// Returns the file written, or `None` when the dialog was cancelled.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn export_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    workspace: String,
    ids: Vec<String>,
) -> Result<Option<String>, AppError> {
    state.workspaces.policies().check(Setting::Export)?;
    let entries = state.workspace(&workspace)?.outbox.select(&ids);
    let Some(path) = crate::dialogs::pick_export_target(&app).await? else {
        return Ok(None);
    };
    let written = path.display().to_string();
    blocking(move || Ok(export::write_file(&path, &entries)?)).await?;
    Ok(Some(written))
}
