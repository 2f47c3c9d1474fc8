//! What an agent can change, and the cached closing-note categories: the model, its
//! validation, and [`SettingsStore`], the one owner of the settings file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::api::{validate_base_url, ClientError, ClosingNote};
use crate::error::{Coded, ErrorCode, Fields};
use crate::outbox::DEFAULT_HISTORY_LIMIT;

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

impl Coded for SettingsError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ApiAddress(err) => err.code(),
            Self::HistoryLimit => ErrorCode::HistoryLimitOutOfRange,
            Self::Save(_) => ErrorCode::SettingsNotSaved,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::ApiAddress(err) => err.fields(),
            Self::HistoryLimit => crate::fields! {
                "min" => HISTORY_LIMIT_RANGE.start(),
                "max" => HISTORY_LIMIT_RANGE.end(),
            },
            Self::Save(_) => Fields::new(),
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

/// The settings file's one owner. Every change goes through [`SettingsStore::update`], which
/// applies it to the current settings under one lock and writes the result atomically before
/// anyone sees it, so two changes that race (a category refresh while settings are saved)
/// both land, and a crash leaves the old file or the new one.
///
/// The file keeps the shape tauri-plugin-store gave it (`{"settings": {…}}`), so settings
/// saved by earlier versions are read as they are.
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

/// The key the settings live under in the file.
const FILE_KEY: &str = "settings";

impl SettingsStore {
    /// Reads the file at `path`. An unreadable one is moved aside (to
    /// `<name>.corrupt-<timestamp>`, returned) and the defaults are used; a missing one means
    /// the defaults.
    pub fn open(path: &Path) -> std::io::Result<(Self, Option<PathBuf>)> {
        let (settings, aside) = match std::fs::read(path) {
            Ok(bytes) => match parse(&bytes) {
                Some(settings) => (settings, None),
                None => {
                    let aside = crate::fsutil::aside_path(path);
                    std::fs::rename(path, &aside)?;
                    (Settings::default(), Some(aside))
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(err) => return Err(err),
        };
        Ok((
            Self {
                path: path.to_owned(),
                current: Mutex::new(settings),
            },
            aside,
        ))
    }

    fn lock(&self) -> MutexGuard<'_, Settings> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the settings as they are.
    pub fn get(&self) -> Settings {
        self.lock().clone()
    }

    /// Reads one thing without copying the rest.
    pub fn read<T>(&self, read: impl FnOnce(&Settings) -> T) -> T {
        read(&self.lock())
    }

    /// Applies `change` to the current settings and saves the result. When `change` refuses
    /// (a value out of range) or the file cannot be written, nothing changes.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<T, SettingsError>,
    ) -> Result<T, SettingsError> {
        let mut current = self.lock();
        let mut next = current.clone();
        let answer = change(&mut next)?;
        if next != *current {
            let mut file = serde_json::Map::new();
            file.insert(
                FILE_KEY.into(),
                serde_json::to_value(&next).map_err(|err| SettingsError::Save(err.to_string()))?,
            );
            let bytes = serde_json::to_vec_pretty(&file)
                .map_err(|err| SettingsError::Save(err.to_string()))?;
            crate::fsutil::write_atomically(&self.path, &bytes)
                .map_err(|err| SettingsError::Save(err.kind().to_string()))?;
            *current = next;
        }
        Ok(answer)
    }
}

/// `None` when the file is not a JSON object; a missing or odd `settings` key means defaults
/// (every field has one).
fn parse(bytes: &[u8]) -> Option<Settings> {
    let mut file =
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes).ok()?;
    Some(
        file.remove(FILE_KEY)
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default(),
    )
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
        std::fs::write(&good, br#"{"settings": {"historyLimit": 20}}"#).unwrap();
        let (store, aside) = SettingsStore::open(&good).unwrap();
        assert_eq!((store.get().history_limit, aside), (20, None));
        let bad = dir.path().join("settings.json");
        std::fs::write(&bad, b"{\"historyLimit\": 2").unwrap();
        let (store, aside) = SettingsStore::open(&bad).unwrap();
        assert_eq!(store.get(), Settings::default());
        assert!(!bad.exists());
        assert!(aside
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("settings.json.corrupt-"));
        let (store, aside) = SettingsStore::open(&dir.path().join("missing.json")).unwrap();
        assert_eq!((store.get(), aside), (Settings::default(), None));
    }

    #[test]
    fn updates_from_many_threads_all_land_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let (store, _) = SettingsStore::open(&path).unwrap();
        let store = std::sync::Arc::new(store);
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    if i == 0 {
                        store.update(|s| s.set_history_limit(50)).unwrap();
                    } else {
                        store
                            .update(|s| {
                                s.remember_category(&format!("c{i}"));
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let (reopened, _) = SettingsStore::open(&path).unwrap();
        let settings = reopened.get();
        assert_eq!(settings.history_limit, 50);
        assert_eq!(settings.recent_categories.len(), 7, "no change was lost");
        assert_eq!(settings, store.get());
    }

    #[test]
    fn a_refused_change_or_a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let (store, _) = SettingsStore::open(&path).unwrap();
        assert_eq!(
            store.update(|s| s.set_history_limit(5)),
            Err(SettingsError::HistoryLimit)
        );
        assert!(!path.exists(), "nothing written for a refused value");
        drop(dir);
        let err = store.update(|s| s.set_history_limit(50)).unwrap_err();
        assert!(matches!(err, SettingsError::Save(_)));
        assert_eq!(store.get().history_limit, DEFAULT_HISTORY_LIMIT);
    }

    #[test]
    fn reads_the_file_earlier_versions_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            br#"{"settings":{"apiBaseUrl":"http://127.0.0.1:9/v1","historyLimit":30,"closingNotes":[],"recentCategories":["Spam"]}}"#,
        )
        .unwrap();
        let settings = SettingsStore::open(&path).unwrap().0.get();
        assert_eq!(
            settings.api_base_url.as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
        assert_eq!(settings.recent_categories, ["Spam"]);
    }
}
