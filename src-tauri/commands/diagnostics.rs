//! About the app: the version, start-up notices and a newer version installed under it, the diagnostics text, the log folder.

use aelyst_core::{diagnostics, AppError, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::state::{blocking, AppState};

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub notices: Vec<crate::state::Notice>,
    pub language: LanguageInfo,
    /// What IT's policies lock or turn off here: shown as set by the organization, or not
    /// offered.
    pub set_by_organization: Vec<aelyst_core::policy::Setting>,
    /// A close sent from a row picked in My conversations brings up the next row.
    pub close_and_next: bool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LanguageInfo {
    /// The agent's choice in Settings; `None`: the computer's.
    pub chosen: Option<String>,
    /// The computer's language, among the app's.
    pub system: &'static str,
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(AppInfo {
        version: aelyst_core::VERSION,
        notices: state.notices.clone(),
        language: LanguageInfo {
            chosen: state.chosen_language(),
            system: aelyst_core::language::system(),
        },
        set_by_organization: state.workspaces.policies().refused(),
        close_and_next: state.preferences.get().close_and_next,
    })
}

/// `update_installed` once a new version was put in the program's place (apt, an
/// installer): it starts when the app next does. The window asks when it is shown.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn newer_installed(
    state: State<'_, AppState>,
) -> Result<Option<crate::state::Notice>, AppError> {
    Ok(state
        .program
        .replaced()
        .then_some(crate::state::Notice::UpdateInstalled))
}

/// Plain facts for a support request about the workspace shown: no token, no summaries, no
/// contacts.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn diagnostics(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<String, AppError> {
    let open = state.workspace(&workspace)?;
    let reader = open.clone();
    let token = blocking(move || Ok(reader.credentials())).await?;
    let client = open.outbox.client();
    Ok(diagnostics::text(&diagnostics::Facts {
        api_base_url: client.config().base_url().as_str(),
        token: token
            .map(|pair| pair.is_some())
            .map_err(|err| AppError::from(err).code),
        history: open.outbox.counts(),
        pause: open.outbox.pause().as_ref(),
        log_dir: &state.log_dir,
        workspaces: state.workspaces.all().len(),
        policies: state.workspaces.policies(),
    }))
}

/// Opens the log folder in the system's file manager.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn open_log_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    use tauri_plugin_opener::OpenerExt;
    let unavailable = |detail: String| {
        let mut err = AppError::new(
            ErrorCode::LogFolderUnavailable,
            format!("The log folder could not be opened ({detail})."),
        );
        err.fields = aelyst_core::fields! { "detail" => detail };
        err
    };
    aelyst_core::files::create_private_dir(&state.log_dir)
        .map_err(|err| unavailable(err.kind().to_string()))?;
    app.opener()
        .open_path(state.log_dir.display().to_string(), None::<&str>)
        .map_err(|err| unavailable(err.to_string()))
}
