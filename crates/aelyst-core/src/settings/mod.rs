//! What an agent can change: the workspaces and how much history is kept. The model and its
//! validation here; `workspace`: one workspace's record, `rule`: its closing rule; `store`:
//! [`SettingsStore`], the one owner of the settings file, and the file's shape. What the
//! settings become before the window starts is [`crate::workspace`]'s (`first_run`): this
//! module knows nothing of open workspaces.

mod rule;
mod store;
mod workspace;

pub use rule::ClosingRule;
#[cfg(test)]
pub(crate) use store::parse;
pub use store::SettingsStore;
pub use workspace::{
    is_app_made_id, name_for, normalised, Me, Workspace, WorkspaceError, FOLDER, JOURNAL_FILE,
    LEGACY_ID, NAME_MAX_CHARS,
};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::api::{validate_base_url, ClientError, ClosingNote};
use crate::error::{Coded, ErrorCode, Fields};
use crate::outbox::DEFAULT_HISTORY_LIMIT;

pub const HISTORY_LIMIT_RANGE: std::ops::RangeInclusive<usize> = 10..=100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    ApiAddress(#[from] ClientError),
    #[error("The history can keep between 10 and 100000 actions.")]
    HistoryLimit,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("The settings could not be saved: {0}")]
    Save(String),
    #[error("The app does not have that language.")]
    Language,
}

impl Coded for SettingsError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ApiAddress(err) => err.code(),
            Self::HistoryLimit => ErrorCode::HistoryLimitOutOfRange,
            Self::Workspace(err) => err.code(),
            Self::Save(_) => ErrorCode::SettingsNotSaved,
            Self::Language => ErrorCode::LanguageUnknown,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::ApiAddress(err) => err.fields(),
            Self::HistoryLimit => crate::fields! {
                "min" => HISTORY_LIMIT_RANGE.start(),
                "max" => HISTORY_LIMIT_RANGE.end(),
            },
            Self::Workspace(err) => err.fields(),
            Self::Save(detail) => crate::fields! { "detail" => detail },
            Self::Language => Fields::new(),
        }
    }
}

/// The settings, read field by field: a field this version cannot read (a number written as
/// a string, a value a newer version added) falls back to its default alone, fields it does
/// not know are kept as written, and each workspace is read on its own (see [`parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    #[serde(deserialize_with = "lenient_history_limit")]
    pub history_limit: usize,
    /// The global shortcut that brings the app to the front with the clipboard's contact in
    /// the form (`None`: switched off). See [`DEFAULT_SHORTCUT`].
    #[serde(default = "default_shortcut", deserialize_with = "lenient_shortcut")]
    pub shortcut: Option<String>,
    /// Read and written by [`parse`] and [`to_file`], one by one.
    #[serde(skip)]
    pub workspaces: Vec<Workspace>,
    /// Workspaces in the file this version cannot open (an unreadable entry, an id of a shape
    /// the app never makes, an address it refuses): not opened, said at start, and kept in the
    /// file as written, with their tokens and journals untouched.
    #[serde(skip)]
    pub set_aside: Vec<SetAside>,
    /// The workspace the window shows.
    #[serde(deserialize_with = "lenient")]
    pub shown: Option<String>,
    /// The language the agent chose in Settings (one of [`crate::language::LANGUAGES`]);
    /// `None`: the computer's.
    #[serde(deserialize_with = "lenient")]
    pub language: Option<String>,
    /// What versions before workspaces kept at the top level: read once, to make the first
    /// workspace, then no longer written. `None`: the key was not in the file.
    #[serde(rename = "apiBaseUrl", skip_serializing, deserialize_with = "lenient")]
    pub legacy_api_base_url: Option<String>,
    #[serde(
        rename = "closingNotes",
        skip_serializing,
        deserialize_with = "lenient"
    )]
    pub legacy_closing_notes: Option<Vec<ClosingNote>>,
    #[serde(
        rename = "recentCategories",
        skip_serializing,
        deserialize_with = "lenient"
    )]
    pub legacy_recent_categories: Option<Vec<String>>,
    /// Fields a newer version wrote: kept, so going back to it loses nothing.
    #[serde(flatten)]
    pub newer: serde_json::Map<String, serde_json::Value>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            history_limit: DEFAULT_HISTORY_LIMIT,
            shortcut: default_shortcut(),
            workspaces: Vec::new(),
            set_aside: Vec::new(),
            shown: None,
            language: None,
            legacy_api_base_url: None,
            legacy_closing_notes: None,
            legacy_recent_categories: None,
            newer: serde_json::Map::new(),
        }
    }
}

/// A workspace entry of the file that is not opened, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// As the file had it; written back unchanged, where it was in the list.
    pub raw: serde_json::Value,
    pub position: usize,
    /// Its name, when one could be read, for the notice.
    pub name: Option<String>,
    pub why: SetAsideWhy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum SetAsideWhy {
    /// Its id, name or address could not be read, or its id is not one the app makes, or
    /// another workspace has it.
    Unreadable,
    /// Its address is one this version refuses (plain http to another computer…).
    AddressRefused,
}

/// A field read on its own: what cannot be read as `T` is `T::default()` (and logged), never
/// a reason to drop the rest of the file.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_else(|err| {
        tracing::warn!("a setting could not be read, its default is used: {err}");
        T::default()
    }))
}

/// A number, or a number written as a string; anything else is the default.
fn lenient_history_limit<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<usize, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let read = match &value {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(read.unwrap_or_else(|| {
        tracing::warn!("the history limit could not be read, its default is used");
        DEFAULT_HISTORY_LIMIT
    }))
}

fn lenient_shortcut<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        _ => default_shortcut(),
    })
}

/// Function keys with Ctrl+Shift: no browser, office suite, CRM or desktop (GNOME, KDE,
/// Windows) binds Ctrl+Shift+F9 by default that an agent would miss (Word's "unlink fields"
/// is the one use found), and it types no character in any keyboard layout, unlike Ctrl+Alt
/// (AltGr on Windows) or AltGr itself. Changeable, and can be switched off.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Shift+F9";

fn default_shortcut() -> Option<String> {
    Some(DEFAULT_SHORTCUT.to_owned())
}

/// The language saved in the settings file at `path`, read on its own and before anything
/// else, so the window can start in it (an unreadable file means "the computer's").
pub fn peek_language(path: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        settings: Language,
    }
    #[derive(Deserialize)]
    struct Language {
        language: Option<String>,
    }
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<File>(&bytes)
        .ok()?
        .settings
        .language
}

/// A language choice from Settings: one the app speaks, or `None` for the computer's.
pub fn checked_language(input: Option<&str>) -> Result<Option<String>, SettingsError> {
    match input {
        None | Some("") => Ok(None),
        Some(tag) => crate::language::LANGUAGES
            .iter()
            .find(|l| **l == tag)
            .map(|l| Some((*l).to_owned()))
            .ok_or(SettingsError::Language),
    }
}

/// Checks an API address as typed in Settings: empty means "the real Aelyst API".
pub fn checked_address(input: &str) -> Result<Option<String>, SettingsError> {
    let trimmed = input.trim();
    Ok(if trimmed.is_empty() {
        None
    } else {
        Some(validate_base_url(trimmed)?.to_string())
    })
}

impl Settings {
    pub fn set_history_limit(&mut self, limit: usize) -> Result<(), SettingsError> {
        if !HISTORY_LIMIT_RANGE.contains(&limit) {
            return Err(SettingsError::HistoryLimit);
        }
        self.history_limit = limit;
        Ok(())
    }

    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub fn workspace_mut(&mut self, id: &str) -> Option<&mut Workspace> {
        self.workspaces.iter_mut().find(|w| w.id == id)
    }

    /// The workspace with this id, or the plain "no longer in the list".
    pub fn existing(&mut self, id: &str) -> Result<&mut Workspace, SettingsError> {
        Ok(self.workspace_mut(id).ok_or(WorkspaceError::NotFound)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings are below the open workspaces: `workspace` uses them, never the other way
    /// (the circle the two modules once made).
    #[test]
    fn the_settings_know_nothing_of_open_workspaces() {
        let above = concat!("crate::", "workspace");
        for (file, source) in [
            ("mod.rs", include_str!("mod.rs")),
            ("store.rs", include_str!("store.rs")),
            ("workspace.rs", include_str!("workspace.rs")),
            ("rule.rs", include_str!("rule.rs")),
        ] {
            for line in source.lines() {
                let code = line.split("//").next().unwrap_or_default();
                assert!(
                    !code.contains(above),
                    "settings/{file} uses {above}: {line}"
                );
            }
        }
    }

    #[test]
    fn the_language_is_read_from_a_saved_file_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        assert_eq!(peek_language(&path), None);
        let (store, _) = SettingsStore::open(&path).unwrap();
        store
            .update(|s| {
                s.language = checked_language(Some("ms"))?;
                Ok(())
            })
            .unwrap();
        assert_eq!(peek_language(&path).as_deref(), Some("ms"));
        assert!(matches!(
            checked_language(Some("fr")),
            Err(SettingsError::Language)
        ));
    }

    #[test]
    fn api_address_is_validated_and_empty_means_default() {
        assert_eq!(
            checked_address("http://127.0.0.1:9/v1/")
                .unwrap()
                .as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
        assert_eq!(
            checked_address("http://example.com/v1"),
            Err(SettingsError::ApiAddress(ClientError::InsecureBaseUrl))
        );
        assert_eq!(checked_address("  ").unwrap(), None);
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
}
