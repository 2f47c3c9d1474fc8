//! Bulk runs: check rows, open a CSV, send the good rows, cancel what has not gone yet.

use aelyst_core::api::Action;
use aelyst_core::bulk::{self, Defaults, Row, Source};
use aelyst_core::AppError;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use crate::state::{blocking, AppState};

/// A bulk run as the Bulk view describes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkInput {
    pub source: Source,
    pub text: String,
    pub action: Action,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

impl BulkInput {
    /// Every row checked like the form, the workspace's closing rule included.
    fn rows(&self, state: &AppState, workspace: &str) -> Result<Vec<Row>, AppError> {
        let defaults = Defaults {
            action: self.action,
            category: self.category.as_deref(),
            summary: self.summary.as_deref(),
            rule: state.closing_rule(workspace)?,
        };
        Ok(bulk::rows(self.source, &self.text, &defaults)?)
    }
}

/// Every row checked, with the reason for each one that will not be sent. Sends nothing.
#[tauri::command]
pub async fn bulk_preview(
    state: State<'_, AppState>,
    workspace: String,
    input: BulkInput,
) -> Result<Vec<Row>, AppError> {
    input.rows(&state, &workspace)
}

/// Asks for a CSV file (reading happens here, in Rust) and returns its text; `None` when the
/// agent cancelled the dialog.
#[tauri::command]
pub async fn bulk_open_csv<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>, AppError> {
    let Some(path) = crate::dialogs::pick_csv(&app).await? else {
        return Ok(None);
    };
    blocking(move || Ok(Some(bulk::read_file(&path)?))).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkStarted {
    pub batch: String,
    pub count: usize,
}

/// Checks every row again (the window's copy is not trusted) and queues the good ones
/// through the durable outbox in one write.
#[tauri::command]
pub async fn bulk_submit(
    state: State<'_, AppState>,
    workspace: String,
    input: BulkInput,
) -> Result<BulkStarted, AppError> {
    let open = state.workspace(&workspace)?;
    let ready = bulk::ready(input.rows(&state, &workspace)?)?;
    let (batch, entries) = open.outbox.submit_many(ready)?;
    tracing::info!(batch = %batch, count = entries.len(), "bulk run queued");
    Ok(BulkStarted {
        batch,
        count: entries.len(),
    })
}

/// Stops what of a bulk run has not been sent yet; it is recorded as cancelled.
#[tauri::command]
pub async fn bulk_cancel(
    state: State<'_, AppState>,
    workspace: String,
    batch: String,
) -> Result<usize, AppError> {
    let cancelled = state.workspace(&workspace)?.outbox.cancel_batch(&batch)?;
    tracing::info!(batch = %batch, cancelled, "bulk run cancelled");
    Ok(cancelled)
}
