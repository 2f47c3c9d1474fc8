//! The native file dialogs, opened from Rust (the window has no dialog or file permission).
//!
//! Debug builds only: `AELYST_DIALOG_PATH` stands in for the dialog's answer, because the
//! end-to-end tests cannot click in a GTK dialog. It is compiled out of release builds (an
//! environment variable must never make the shipped app write a file without asking), and
//! `scripts/check-deb.sh` checks the shipped binary does not contain it.

use std::path::PathBuf;

use aelyst_core::AppError;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::state::blocking;

#[cfg(debug_assertions)]
fn stand_in() -> Option<PathBuf> {
    std::env::var_os("AELYST_DIALOG_PATH").map(PathBuf::from)
}

#[cfg(not(debug_assertions))]
fn stand_in() -> Option<PathBuf> {
    None
}

/// A CSV or text file to read; `None` when the agent cancelled.
pub async fn pick_csv<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, AppError> {
    if let Some(path) = stand_in() {
        return Ok(Some(path));
    }
    let dialog = app
        .dialog()
        .file()
        .add_filter("CSV or text", &["csv", "txt"]);
    blocking(move || Ok(dialog.blocking_pick_file().and_then(|p| p.into_path().ok()))).await
}

/// Where to save the history export; `None` when the agent cancelled.
pub async fn pick_export_target<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Option<PathBuf>, AppError> {
    if let Some(path) = stand_in() {
        return Ok(Some(path));
    }
    let dialog = app
        .dialog()
        .file()
        .add_filter("CSV", &["csv"])
        .set_file_name("aelyst-desk-history.csv");
    blocking(move || Ok(dialog.blocking_save_file().and_then(|p| p.into_path().ok()))).await
}
