//! The agent's preferences for this computer: the window's language, the global shortcut, and
//! whether closing a conversation picked from My conversations brings up the next one.
//! Unlike the workspaces (their addresses, token bindings and journals, kept by
//! [`crate::settings::SettingsStore`] with atomic writes), nothing an agent submitted depends
//! on them, so the shell keeps them with tauri-plugin-store, in their own file, read and
//! written from Rust only. The plugin writes with a plain write and resets a file it cannot
//! parse; this covers both: a copy of the file is kept before each save
//! ([`keep_copy`]), and a file that cannot be read is set aside and the copy restored before
//! the plugin opens it ([`prepare`]).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The preferences' file, in the app's data folder (beside `settings.json`).
pub const FILE: &str = "preferences.json";
/// The key of the language chosen (`null`: the computer's).
pub const LANGUAGE: &str = "language";
/// The key of the global shortcut (`null`: switched off).
pub const SHORTCUT: &str = "shortcut";
/// The key of "close and go to the next" (on unless the agent turned it off).
pub const CLOSE_AND_NEXT: &str = "close_and_next";

/// The preferences as read at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    /// One of [`crate::language::LANGUAGES`]; `None`: the computer's.
    pub language: Option<String>,
    /// `None`: switched off.
    pub shortcut: Option<String>,
    /// After a close sent from a row picked in My conversations, the next row comes up.
    pub close_and_next: bool,
}

impl Preferences {
    /// From the file's values: a value that cannot be read takes its default alone.
    pub fn from_values(values: &Map<String, Value>) -> Self {
        let language = values
            .get(LANGUAGE)
            .and_then(Value::as_str)
            .and_then(|l| crate::settings::checked_language(Some(l)).ok().flatten());
        let shortcut = match values.get(SHORTCUT) {
            Some(Value::Null) => None,
            Some(Value::String(keys)) if !keys.trim().is_empty() => Some(keys.clone()),
            _ => Some(crate::settings::DEFAULT_SHORTCUT.to_owned()),
        };
        let close_and_next = values
            .get(CLOSE_AND_NEXT)
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Self {
            language,
            shortcut,
            close_and_next,
        }
    }

    /// What an earlier version kept in the settings file (the language and the shortcut; the
    /// rest as a first start has them).
    pub fn legacy(language: Option<String>, shortcut: Option<String>) -> Self {
        Self {
            language,
            shortcut,
            close_and_next: true,
        }
    }

    /// The values the file keeps.
    pub fn to_values(&self) -> Map<String, Value> {
        let mut values = Map::new();
        values.insert(LANGUAGE.into(), self.language.clone().into());
        values.insert(SHORTCUT.into(), self.shortcut.clone().into());
        values.insert(CLOSE_AND_NEXT.into(), self.close_and_next.into());
        values
    }
}

/// What [`prepare`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub preferences: Preferences,
    /// The file could not be read: where it was moved.
    pub set_aside: Option<PathBuf>,
    /// The copy kept before the last save was put in its place.
    pub restored: bool,
    /// There was no file yet: the preferences come from the settings file (where versions
    /// before this one kept them), and `prepare` wrote them.
    pub migrated: bool,
}

fn copy_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// The file's values, when it is a JSON object.
fn read(path: &Path) -> std::io::Result<Option<Map<String, Value>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(match serde_json::from_slice(&bytes) {
            Ok(Value::Object(values)) => Some(values),
            _ => None,
        }),
        Err(err) => Err(err),
    }
}

/// Makes the file at `path` one the plugin can open without resetting anything: a file that
/// cannot be read is set aside (`<name>.corrupt-<ms>`) and the copy kept before the last save
/// restored, when it can be read; with no file at all, the preferences an earlier version kept
/// in `legacy` (the settings file's) are written. Never fails the start: what cannot be done
/// leaves the defaults.
pub fn prepare(path: &Path, legacy: Preferences) -> Prepared {
    let mut prepared = Prepared {
        preferences: legacy.clone(),
        set_aside: None,
        restored: false,
        migrated: false,
    };
    match read(path) {
        Ok(Some(values)) => {
            prepared.preferences = Preferences::from_values(&values);
            return prepared;
        }
        Ok(None) => {
            let aside = crate::files::aside_path(path);
            match std::fs::rename(path, &aside) {
                Ok(()) => prepared.set_aside = Some(aside),
                Err(err) => tracing::warn!("unreadable preferences not set aside: {}", err.kind()),
            }
            if let Ok(Some(values)) = read(&copy_path(path)) {
                prepared.preferences = Preferences::from_values(&values);
                prepared.restored = true;
            } else {
                prepared.preferences = Preferences::from_values(&Map::new());
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => prepared.migrated = true,
        Err(err) => {
            tracing::warn!("preferences not read: {}", err.kind());
            return prepared;
        }
    }
    let bytes = serde_json::to_vec_pretty(&Value::Object(prepared.preferences.to_values()))
        .unwrap_or_default();
    if let Err(err) = crate::files::write_atomically(path, &bytes) {
        tracing::warn!("preferences not written: {}", err.kind());
    }
    prepared
}

/// Keeps a copy of the file as it is now, before the plugin saves over it. A file that cannot
/// be read is not copied (the copy stays the last good one).
pub fn keep_copy(path: &Path) -> std::io::Result<()> {
    match read(path) {
        Ok(Some(_)) => {
            let bytes = std::fs::read(path)?;
            crate::files::write_atomically(&copy_path(path), &bytes)
        }
        Ok(None) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// The language chosen, read on its own before anything else (the window starts in it):
/// from the preferences, or the copy, or the settings file an earlier version kept it in.
pub fn peek_language(path: &Path, settings_file: &Path) -> Option<String> {
    for candidate in [path.to_owned(), copy_path(path)] {
        if let Ok(Some(values)) = read(&candidate) {
            return Preferences::from_values(&values).language;
        }
    }
    crate::settings::peek_language(settings_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(language: &str, shortcut: Option<&str>) -> Preferences {
        Preferences::legacy(Some(language.into()), shortcut.map(str::to_owned))
    }

    fn defaults() -> Preferences {
        Preferences::from_values(&Map::new())
    }

    #[test]
    fn a_first_start_takes_what_the_settings_file_kept_and_writes_it() {
        let dir = crate::files::test_dir();
        let path = dir.path().join(FILE);
        let prepared = prepare(&path, chosen("ms", None));
        assert!(prepared.migrated);
        assert_eq!(prepared.preferences, chosen("ms", None));
        let again = prepare(&path, chosen("es", Some("Ctrl+Alt+K")));
        assert!(!again.migrated, "written the first time");
        assert_eq!(
            again.preferences,
            chosen("ms", None),
            "the file wins from then on"
        );
        assert_eq!(
            peek_language(&path, &dir.path().join("settings.json")).as_deref(),
            Some("ms")
        );
    }

    #[test]
    fn an_unreadable_file_is_set_aside_and_the_copy_kept_before_the_last_save_restored() {
        let dir = crate::files::test_dir();
        let path = dir.path().join(FILE);
        prepare(&path, chosen("pt-BR", Some("Ctrl+Shift+F8")));
        keep_copy(&path).unwrap();
        // A save cut short (the plugin writes in place): half a file.
        std::fs::write(&path, b"{\"language\": \"pt").unwrap();
        keep_copy(&path).unwrap();
        assert_eq!(
            peek_language(&path, &dir.path().join("settings.json")).as_deref(),
            Some("pt-BR"),
            "the window starts in the language of the copy"
        );
        let prepared = prepare(&path, defaults());
        assert!(prepared.restored);
        assert_eq!(prepared.preferences, chosen("pt-BR", Some("Ctrl+Shift+F8")));
        let aside = prepared.set_aside.expect("set aside");
        assert_eq!(std::fs::read(&aside).unwrap(), b"{\"language\": \"pt");
        assert_eq!(
            Preferences::from_values(&read(&path).unwrap().unwrap()),
            prepared.preferences,
            "the restored file is in place for the plugin"
        );
    }

    #[test]
    fn with_no_copy_an_unreadable_file_means_the_defaults_and_nothing_else_changes() {
        let dir = crate::files::test_dir();
        let path = dir.path().join(FILE);
        std::fs::write(&path, b"[1, 2").unwrap();
        let prepared = prepare(&path, chosen("id", None));
        assert!(!prepared.restored && !prepared.migrated);
        assert!(prepared.set_aside.is_some());
        assert_eq!(prepared.preferences, defaults());
        assert_eq!(defaults().language, None);
        assert_eq!(
            defaults().shortcut.as_deref(),
            Some(crate::settings::DEFAULT_SHORTCUT)
        );
    }

    #[test]
    fn a_value_that_cannot_be_read_takes_its_default_alone() {
        let values: Map<String, Value> = serde_json::from_str(
            r#"{"language": "fr", "shortcut": null, "close_and_next": "no", "newer": 1}"#,
        )
        .unwrap();
        assert_eq!(
            Preferences::from_values(&values),
            Preferences {
                language: None,
                shortcut: None,
                close_and_next: true,
            }
        );
    }

    #[test]
    fn close_and_next_is_on_until_turned_off_and_stays_off() {
        assert!(defaults().close_and_next, "on at a first start");
        let dir = crate::files::test_dir();
        let path = dir.path().join(FILE);
        let mut off = chosen("en", None);
        off.close_and_next = false;
        prepare(&path, off.clone());
        let again = prepare(&path, chosen("en", None));
        assert!(!again.preferences.close_and_next, "read back as saved");
        assert_eq!(Preferences::from_values(&off.to_values()), off);
    }
}
