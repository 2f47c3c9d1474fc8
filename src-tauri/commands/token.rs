//! A workspace's API token: whether one is saved, save, forget. It never comes back to the
//! window, and is only ever saved for (and sent to) the workspace's own address.

use aelyst_core::outbox::Pause;
use aelyst_core::AppError;
use serde::Serialize;
use tauri::State;

use crate::state::{blocking, AppState};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    pub saved: bool,
    /// Why sending is on hold, if it is.
    pub pause: Option<Pause>,
    /// The keychain could not be read: why, as the window words it.
    pub problem: Option<AppError>,
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn token_status(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<TokenStatus, AppError> {
    status(&state, &workspace).await
}

/// Whether `workspace` has a token saved, and why sending is on hold if it is.
pub(crate) async fn status(state: &AppState, workspace: &str) -> Result<TokenStatus, AppError> {
    let open = state.workspace(workspace)?;
    let pause = open.outbox.pause();
    let stored = blocking(move || Ok(open.credentials())).await?;
    let (saved, problem) = match stored {
        Ok(pair) => (pair.is_some(), None),
        Err(err) => (false, Some(err.into())),
    };
    Ok(TokenStatus {
        saved,
        pause,
        problem,
    })
}

/// Saves the token in the OS keychain, bound to the workspace's address, which must be the
/// `address` the window showed. It is never sent back to the window, and this copy of it is
/// wiped from memory once it is stored (or refused).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn save_token(
    state: State<'_, AppState>,
    workspace: String,
    token: String,
    address: String,
) -> Result<(), AppError> {
    let token = zeroize::Zeroizing::new(token);
    let open = state.workspace(&workspace)?;
    blocking(move || open.save_token(&token, &address)).await
}

#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn forget_token(state: State<'_, AppState>, workspace: String) -> Result<(), AppError> {
    let open = state.workspace(&workspace)?;
    blocking(move || open.forget_token()).await
}

/// Sending is on hold because the keychain could not be read: ask it again now (the outbox
/// also asks by itself every half minute).
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn retry_sending(state: State<'_, AppState>, workspace: String) -> Result<(), AppError> {
    state.workspace(&workspace)?.outbox.token_changed();
    Ok(())
}
