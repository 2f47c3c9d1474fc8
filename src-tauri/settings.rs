//! What an agent can change, and the cached closing-note categories. Persisted by the shell
//! with tauri-plugin-store; validated here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::{validate_base_url, ClientError, ClosingNote};
use crate::outbox::DEFAULT_HISTORY_LIMIT;
use crate::ui_error::ErrorKind;

pub const HISTORY_LIMIT_RANGE: std::ops::RangeInclusive<usize> = 10..=100_000;
/// Categories the agent used lately, offered first.
const RECENT_CATEGORIES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    ApiAddress(#[from] ClientError),
    #[error("The history can keep between 10 and 100000 actions.")]
    HistoryLimit,
    #[error("The settings could not be saved: {0}")]
    Save(String),
}

impl ErrorKind for SettingsError {
    fn kind(&self) -> &'static str {
        match self {
            Self::ApiAddress(err) => err.kind(),
            Self::HistoryLimit => "invalid_history_limit",
            Self::Save(_) => "settings_save",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `None`: the real Aelyst API.
    pub api_base_url: Option<String>,
    pub history_limit: usize,
    pub closing_notes: Vec<ClosingNote>,
    pub recent_categories: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_base_url: None,
            history_limit: DEFAULT_HISTORY_LIMIT,
            closing_notes: Vec::new(),
            recent_categories: Vec::new(),
        }
    }
}

impl Settings {
    /// Empty means "the real Aelyst API".
    pub fn set_api_base_url(&mut self, input: &str) -> Result<(), SettingsError> {
        let trimmed = input.trim();
        self.api_base_url = if trimmed.is_empty() {
            None
        } else {
            Some(validate_base_url(trimmed)?.to_string())
        };
        Ok(())
    }

    pub fn set_history_limit(&mut self, limit: usize) -> Result<(), SettingsError> {
        if !HISTORY_LIMIT_RANGE.contains(&limit) {
            return Err(SettingsError::HistoryLimit);
        }
        self.history_limit = limit;
        Ok(())
    }

    pub fn remember_category(&mut self, category: &str) {
        self.recent_categories.retain(|c| c != category);
        self.recent_categories.insert(0, category.to_owned());
        self.recent_categories.truncate(RECENT_CATEGORIES);
    }

    /// Recently used first, then the workspace's closing notes, without repeats.
    pub fn category_choices(&self) -> Vec<String> {
        let mut choices: Vec<String> = self.recent_categories.clone();
        for note in &self.closing_notes {
            if !choices.contains(&note.category) {
                choices.push(note.category.clone());
            }
        }
        choices
    }
}

/// A JSON file the app cannot parse is moved to `<name>.corrupt-<timestamp>` before anything
/// opens it, so nothing silently replaces it with defaults. Returns where it went.
pub fn set_aside_if_unreadable(path: &Path) -> std::io::Result<Option<PathBuf>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    if serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes).is_ok() {
        return Ok(None);
    }
    let stamp = crate::outbox::now_ms();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    std::fs::rename(path, &aside)?;
    Ok(Some(aside))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_address_is_validated_and_empty_means_default() {
        let mut settings = Settings::default();
        settings.set_api_base_url("http://127.0.0.1:9/v1/").unwrap();
        assert_eq!(
            settings.api_base_url.as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
        assert_eq!(
            settings.set_api_base_url("http://example.com/v1"),
            Err(SettingsError::ApiAddress(ClientError::InsecureBaseUrl))
        );
        assert_eq!(
            settings.api_base_url.as_deref(),
            Some("http://127.0.0.1:9/v1"),
            "a refused value changes nothing"
        );
        settings.set_api_base_url("  ").unwrap();
        assert_eq!(settings.api_base_url, None);
    }

    #[test]
    fn history_limit_has_bounds() {
        let mut settings = Settings::default();
        assert_eq!(settings.history_limit, 1_000);
        assert_eq!(
            settings.set_history_limit(5),
            Err(SettingsError::HistoryLimit)
        );
        settings.set_history_limit(50).unwrap();
        assert_eq!(settings.history_limit, 50);
    }

    #[test]
    fn categories_put_recent_first_without_repeats() {
        let mut settings = Settings {
            closing_notes: ["Resolved", "Spam"]
                .map(|c| ClosingNote {
                    category: c.into(),
                    description: None,
                })
                .to_vec(),
            ..Settings::default()
        };
        settings.remember_category("Spam");
        settings.remember_category("Custom");
        assert_eq!(settings.category_choices(), ["Custom", "Spam", "Resolved"]);
    }

    #[test]
    fn unreadable_files_are_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.json");
        std::fs::write(&good, br#"{"historyLimit": 20}"#).unwrap();
        assert_eq!(set_aside_if_unreadable(&good).unwrap(), None);
        let bad = dir.path().join("settings.json");
        std::fs::write(&bad, b"{\"historyLimit\": 2").unwrap();
        let aside = set_aside_if_unreadable(&bad).unwrap().unwrap();
        assert!(!bad.exists());
        assert!(aside
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("settings.json.corrupt-"));
        assert_eq!(
            set_aside_if_unreadable(&dir.path().join("missing.json")).unwrap(),
            None
        );
    }
}
