//! Updates, as Settings shows them: on Windows and macOS the app checks its signed feed when
//! the agent asks and installs at their word with nothing waiting (or at the next start); on
//! Linux apt brings new versions (`updates.rs`).

use aelyst_core::update::UpdateStatus;
use aelyst_core::AppError;
use tauri::{AppHandle, Runtime, State};

use crate::state::AppState;

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn update_status() -> Result<UpdateStatus, AppError> {
    Ok(crate::updates::status())
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn check_for_update<R: Runtime>(app: AppHandle<R>) -> Result<UpdateStatus, AppError> {
    Ok(crate::updates::check(&app).await?)
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    Ok(crate::updates::install(&app, state.workspaces.waiting()).await?)
}
