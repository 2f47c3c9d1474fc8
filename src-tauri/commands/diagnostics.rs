//! About the app: version and address for the title bar, the diagnostics text, the log folder.

use aelyst_core::{diagnostics, AppError, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::state::{blocking, AppState};

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub api_base_url: String,
    /// The API is on this computer: show the "Sandbox" badge.
    pub sandbox: bool,
    pub notices: Vec<String>,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let client = state.client();
    Ok(AppInfo {
        version: aelyst_core::VERSION,
        api_base_url: client.config().base_url().to_string(),
        sandbox: client.config().is_local(),
        notices: state.notices.clone(),
    })
}

/// Plain facts for a support request: no token, no summaries, no contacts.
#[tauri::command]
pub async fn diagnostics(state: State<'_, AppState>) -> Result<String, AppError> {
    let keychain = state.keychain.clone();
    let token = blocking(move || Ok(keychain.has_token())).await?;
    let client = state.client();
    Ok(diagnostics::text(&diagnostics::Facts {
        api_base_url: client.config().base_url().as_str(),
        token: token.map_err(|err| AppError::from(err).code),
        history: state.outbox.counts(),
        pause: state.outbox.pause().as_ref(),
        log_dir: &state.log_dir,
    }))
}

/// Opens the log folder in the system's file manager.
#[tauri::command]
pub async fn open_log_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    use tauri_plugin_opener::OpenerExt;
    let unavailable = |message: &str| AppError::new(ErrorCode::LogFolderUnavailable, message);
    std::fs::create_dir_all(&state.log_dir)
        .map_err(|_| unavailable("The log folder could not be created."))?;
    app.opener()
        .open_path(state.log_dir.display().to_string(), None::<&str>)
        .map_err(|_| unavailable("No file manager could open the log folder."))
}
