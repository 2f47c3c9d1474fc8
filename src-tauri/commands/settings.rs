//! What the agent can change: the API address and how much history is kept.

use aelyst_core::api::{Client, ClientConfig};
use aelyst_core::AppError;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::state::{blocking, AppState};

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Empty: the real Aelyst API.
    pub api_base_url: String,
    pub history_limit: usize,
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<SettingsView, AppError> {
    Ok(state.settings.read(|s| SettingsView {
        api_base_url: s.api_base_url.clone().unwrap_or_default(),
        history_limit: s.history_limit,
    }))
}

/// Validates everything first: a refused value changes nothing.
#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: SettingsView,
) -> Result<(), AppError> {
    let store = state.settings.clone();
    let (client, limit) = blocking(move || {
        Ok(store.update(|s| {
            s.set_api_base_url(&settings.api_base_url)?;
            s.set_history_limit(settings.history_limit)?;
            let client = Client::new(ClientConfig::resolve(s.api_base_url.as_deref())?)?;
            Ok((client, s.history_limit))
        })?)
    })
    .await?;
    state.outbox.set_client(client);
    Ok(state.outbox.set_history_limit(limit)?)
}
