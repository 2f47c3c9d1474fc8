//! Bulk runs: check rows, open a CSV, send the good rows, cancel what has not gone yet.

use aelyst_core::bulk::{self, Row};
use aelyst_core::policy::Setting;
use aelyst_core::workspace::{BulkInput, BulkStarted};
use aelyst_core::AppError;
use tauri::{AppHandle, Runtime, State};

use crate::state::{blocking, AppState};

/// Every row checked, with the reason for each one that will not be sent. Sends nothing.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn bulk_preview(
    state: State<'_, AppState>,
    workspace: String,
    input: BulkInput,
) -> Result<Vec<Row>, AppError> {
    state.workspaces.bulk_preview(&workspace, &input)
}

/// Asks for a CSV file (reading happens here, in Rust) and returns its text; `None` when the
/// agent cancelled the dialog.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn bulk_open_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    state.workspaces.policies().check(Setting::CsvImport)?;
    let Some(path) = crate::dialogs::pick_csv(&app).await? else {
        return Ok(None);
    };
    blocking(move || Ok(Some(bulk::read_file(&path)?))).await
}

/// Checks every row again (the window's copy is not trusted) and queues the good ones
/// through the durable outbox in one write.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn bulk_submit(
    state: State<'_, AppState>,
    workspace: String,
    input: BulkInput,
) -> Result<BulkStarted, AppError> {
    state.workspaces.bulk_submit(&workspace, &input)
}

/// Stops what of a bulk run has not been sent yet; it is recorded as cancelled.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn bulk_cancel(
    state: State<'_, AppState>,
    workspace: String,
    batch: String,
) -> Result<usize, AppError> {
    let cancelled = state.workspace(&workspace)?.outbox.cancel_batch(&batch)?;
    tracing::info!(batch = %batch, cancelled, "bulk run cancelled");
    Ok(cancelled)
}
