//! What the agent can change: the shown workspace's name, address and closing rule, and how
//! much history is kept.

use aelyst_core::settings::{checked_address, checked_language, HISTORY_LIMIT_RANGE};
use aelyst_core::workspace::{normalised, ClosingRule};
use aelyst_core::AppError;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub name: String,
    /// Empty: the real Aelyst API.
    pub api_base_url: String,
    pub closing_rule: ClosingRule,
    pub history_limit: usize,
    /// Who the agent is here ("My conversations"); changed with `set_me`, not here.
    #[serde(default, skip_deserializing)]
    pub me: Option<aelyst_core::mine::Me>,
    /// The agent agreed that a new address forgets the token.
    #[serde(default, skip_serializing)]
    pub confirm_address: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// The address changed and its token was forgotten: ask for the new one.
    pub address_changed: bool,
    /// Nothing was saved: the address would change and forget a saved token; ask the agent,
    /// then save again with `confirmAddress`.
    pub confirm_address: bool,
}

#[tauri::command]
pub async fn get_settings(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<SettingsView, AppError> {
    let limit = state.settings.read(|s| s.history_limit);
    state.read_workspace(&workspace, |w| SettingsView {
        name: w.name.clone(),
        api_base_url: w.api_base_url.clone().unwrap_or_default(),
        closing_rule: w.closing_rule,
        history_limit: limit,
        me: w.me.clone(),
        confirm_address: false,
    })
}

/// Checks every value first, so a refused one changes nothing; then moves the workspace to
/// its new address if that changed (refused while actions wait for the old one), then saves
/// the rest.
#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    workspace: String,
    settings: SettingsView,
) -> Result<Saved, AppError> {
    let mut renamed = state.read_workspace(&workspace, Clone::clone)?;
    renamed.rename(&settings.name)?;
    let address = checked_address(&settings.api_base_url)?;
    if !HISTORY_LIMIT_RANGE.contains(&settings.history_limit) {
        return Err(aelyst_core::settings::SettingsError::HistoryLimit.into());
    }
    let moving = normalised(address.as_deref()) != renamed.address();
    if moving && renamed.token_address.is_some() && !settings.confirm_address {
        return Ok(Saved {
            address_changed: false,
            confirm_address: true,
        });
    }
    let address_changed = state
        .workspaces
        .change_address(&workspace, &settings.api_base_url)?;
    state.settings.update(|s| {
        let shown = s.existing(&workspace)?;
        shown.name = renamed.name;
        shown.closing_rule = settings.closing_rule;
        Ok(())
    })?;
    state.workspaces.set_history_limit(settings.history_limit)?;
    Ok(Saved {
        address_changed,
        confirm_address: false,
    })
}

/// The agent's language (`None`: the computer's), for the whole app. The window redraws
/// itself in it; the tray and notifications read it when they next speak.
#[tauri::command]
pub async fn set_language(
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<(), AppError> {
    let chosen = checked_language(language.as_deref())?;
    Ok(state.settings.update(|s| {
        s.language = chosen;
        Ok(())
    })?)
}
