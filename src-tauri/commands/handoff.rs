//! Reaching the form from outside: what was handed over (the command line, a link, the
//! shortcut), the Paste button, and the global shortcut's setting.

use aelyst_core::handoff::FormFill;
use aelyst_core::policy::Setting;
use aelyst_core::AppError;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::global_shortcut::{ShortcutStatus, Shortcuts};
use crate::handoff::Handoffs;
use crate::state::AppState;

/// From now on what is handed over goes to `on_event`; answers with what came before the
/// window listened (a launch with `--contact`, say).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn watch_handoffs(
    handoffs: State<'_, Handoffs>,
    on_event: Channel<FormFill>,
) -> Result<Option<FormFill>, AppError> {
    Ok(handoffs.watch(on_event))
}

/// The window's first frame is on screen: start what could wait (the global shortcut).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn window_ready<R: Runtime>(app: AppHandle<R>) -> Result<(), AppError> {
    crate::global_shortcut::start_when_ready(&app);
    Ok(())
}

/// The Paste button: the clipboard's contact, read now, in Rust.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn paste_contact<R: Runtime>(app: AppHandle<R>) -> Result<FormFill, AppError> {
    Ok(crate::handoff::from_clipboard(&app))
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn shortcut_status(shortcuts: State<'_, Shortcuts>) -> Result<ShortcutStatus, AppError> {
    Ok(shortcuts.status())
}

/// Sets the global shortcut (`None`: off), then saves it; a refused one changes nothing.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn set_shortcut<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    shortcut: Option<String>,
) -> Result<ShortcutStatus, AppError> {
    state.workspaces.policies().check(Setting::GlobalShortcut)?;
    let status = crate::global_shortcut::apply(&app, shortcut.as_deref())?;
    state
        .preferences
        .update(|p| p.shortcut = status.shortcut.clone())?;
    Ok(status)
}

/// Whether the app starts when the agent logs in.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn autostart_status<R: Runtime>(app: AppHandle<R>) -> Result<bool, AppError> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch().is_enabled().map_err(autostart_failed)
}

/// Turns starting with the computer on or off; answers with what it is now.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn set_autostart<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<bool, AppError> {
    state
        .workspaces
        .policies()
        .check(Setting::StartWithComputer)?;
    use tauri_plugin_autostart::ManagerExt;
    let manager = app.autolaunch();
    let changed = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    changed.map_err(autostart_failed)?;
    manager.is_enabled().map_err(autostart_failed)
}

fn autostart_failed(err: impl std::fmt::Display) -> AppError {
    let detail = err.to_string();
    let mut failed = AppError::new(
        aelyst_core::ErrorCode::AutostartFailed,
        format!("Starting with the computer could not be changed here ({detail})."),
    );
    failed.fields = aelyst_core::fields! { "detail" => detail };
    failed
}
