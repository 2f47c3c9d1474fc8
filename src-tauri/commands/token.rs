//! The API token: whether one is saved, save, forget. It never comes back to the window.

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
    /// The keychain could not be read: plain words.
    pub problem: Option<String>,
}

#[tauri::command]
pub async fn token_status(state: State<'_, AppState>) -> Result<TokenStatus, AppError> {
    let keychain = state.keychain.clone();
    let stored = blocking(move || Ok(keychain.has_token())).await?;
    let (saved, problem) = match stored {
        Ok(saved) => (saved, None),
        Err(err) => (false, Some(err.to_string())),
    };
    Ok(TokenStatus {
        saved,
        pause: state.outbox.pause(),
        problem,
    })
}

/// Saves the token in the OS keychain. It is never sent back to the window, and this copy of
/// it is wiped from memory once it is stored (or refused).
#[tauri::command]
pub async fn save_token(state: State<'_, AppState>, token: String) -> Result<(), AppError> {
    let token = zeroize::Zeroizing::new(token);
    let keychain = state.keychain.clone();
    blocking(move || Ok(keychain.save(&token)?)).await?;
    state.outbox.token_changed();
    Ok(())
}

#[tauri::command]
pub async fn forget_token(state: State<'_, AppState>) -> Result<(), AppError> {
    let keychain = state.keychain.clone();
    blocking(move || Ok(keychain.forget()?)).await?;
    state.outbox.token_changed();
    Ok(())
}

/// Sending is on hold because the keychain could not be read: ask it again now (the outbox
/// also asks by itself every half minute).
#[tauri::command]
pub async fn retry_sending(state: State<'_, AppState>) -> Result<(), AppError> {
    state.outbox.token_changed();
    Ok(())
}
